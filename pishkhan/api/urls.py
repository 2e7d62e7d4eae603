"""REST API v1: each domain app keeps its own apis.py; this file only includes them."""

from django.urls import path, re_path

from pishkhan.api import auth, errors, org
from pishkhan.cases import apis as cases
from pishkhan.directives import apis as directives
from pishkhan.meetings import apis as meetings
from pishkhan.visits import apis as visits

app_name = "api"
urlpatterns = [
    path("auth/token/", auth.TokenApi.as_view(), name="token"),
    path("districts/", org.DistrictListApi.as_view(), name="districts"),
    path("district-summary/", cases.DistrictSummaryApi.as_view(), name="district-summary"),
    path("departments/", org.DepartmentListApi.as_view(), name="departments"),
    path("weeks/", org.WeekListApi.as_view(), name="weeks"),
    path("weeks/<str:start>/", org.WeekDetailApi.as_view(), name="week"),
    path("services/", cases.ServiceListApi.as_view(), name="services"),
    path("reject-reasons/", cases.RejectReasonListApi.as_view(), name="reject-reasons"),
    path("cases/", cases.CaseListApi.as_view(), name="cases"),
    path("cases/<str:code>/", cases.CaseDetailApi.as_view(), name="case"),
    path("cases/<str:code>/accept/", cases.CaseAcceptApi.as_view(), name="case-accept"),
    path("cases/<str:code>/reject/", cases.CaseRejectApi.as_view(), name="case-reject"),
    path("cases/<str:code>/merge/", cases.CaseMergeApi.as_view(), name="case-merge"),
    path(
        "cases/<str:code>/request-info/",
        cases.CaseRequestInfoApi.as_view(),
        name="case-request-info",
    ),
    path("cases/<str:code>/move/", cases.CaseMoveApi.as_view(), name="case-move"),
    path("cases/<str:code>/urgent/", cases.CaseUrgentApi.as_view(), name="case-urgent"),
    path("visits/", visits.VisitListApi.as_view(), name="visits"),
    path("visits/plan/", visits.VisitPlanApi.as_view(), name="visits-plan"),
    path("visits/<int:pk>/", visits.VisitDetailApi.as_view(), name="visit"),
    path("visits/<int:pk>/reassign/", visits.VisitReassignApi.as_view(), name="visit-reassign"),
    path("visits/<int:pk>/reorder/", visits.VisitReorderApi.as_view(), name="visit-reorder"),
    path("visits/<int:pk>/swap/", visits.VisitSwapApi.as_view(), name="visit-swap"),
    path("visits/<int:pk>/check-in/", visits.VisitCheckInApi.as_view(), name="visit-check-in"),
    path("visits/<int:pk>/report/", visits.VisitReportApi.as_view(), name="visit-report"),
    path("meetings/", meetings.MeetingListApi.as_view(), name="meetings"),
    path("meetings/<str:week>/", meetings.MeetingDetailApi.as_view(), name="meeting"),
    path(
        "meetings/<str:week>/agenda/build/", meetings.AgendaBuildApi.as_view(), name="agenda-build"
    ),
    path(
        "meetings/<str:week>/agenda/freeze/",
        meetings.AgendaFreezeApi.as_view(),
        name="agenda-freeze",
    ),
    path("meetings/<str:week>/agenda/move/", meetings.AgendaMoveApi.as_view(), name="agenda-move"),
    path(
        "meetings/<str:week>/agenda/merge/", meetings.AgendaMergeApi.as_view(), name="agenda-merge"
    ),
    path(
        "meetings/<str:week>/agenda/split/", meetings.AgendaSplitApi.as_view(), name="agenda-split"
    ),
    path("meetings/<str:week>/start/", meetings.MeetingStartApi.as_view(), name="meeting-start"),
    path(
        "meetings/<str:week>/decisions/",
        meetings.DecisionRecordApi.as_view(),
        name="meeting-decision",
    ),
    path(
        "meetings/<str:week>/positions/", meetings.PositionSetApi.as_view(), name="meeting-position"
    ),
    path("meetings/<str:week>/close/", meetings.MeetingCloseApi.as_view(), name="meeting-close"),
    path("meetings/<str:week>/sign/", meetings.MinutesSignApi.as_view(), name="meeting-sign"),
    path("directives/", directives.DirectiveListApi.as_view(), name="directives"),
    path("directives/<str:number>/", directives.DirectiveDetailApi.as_view(), name="directive"),
    path(
        "directives/<str:number>/acknowledge/",
        directives.DirectiveAcknowledgeApi.as_view(),
        name="directive-acknowledge",
    ),
    path(
        "directives/<str:number>/progress/",
        directives.DirectiveProgressApi.as_view(),
        name="directive-progress",
    ),
    path(
        "directives/<str:number>/extension/",
        directives.DirectiveExtensionApi.as_view(),
        name="directive-extension",
    ),
    path(
        "directives/<str:number>/complete/",
        directives.DirectiveCompleteApi.as_view(),
        name="directive-complete",
    ),
    path("reports/weekly/", directives.WeeklyReportApi.as_view(), name="report-weekly"),
    path(
        "reports/departments/", directives.DepartmentReportApi.as_view(), name="report-departments"
    ),
    re_path(r"^(?P<rest>.*)$", errors.not_found),
]
