from django.contrib import admin

from pishkhan.cycle.models import ClockStep, Holiday, Schedule, Week


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "municipality",
        "intake_end_day",
        "visit_start_day",
        "meeting_day",
        "meeting_time",
        "dispatch_day",
    ]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "source", "municipality"]
    list_filter = ["municipality", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(Week)
class WeekAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start", "phase", "meeting_at", "municipality"]
    list_filter = ["municipality", "phase"]


@admin.register(ClockStep)
class ClockStepAdmin(admin.ModelAdmin):
    list_display = ["week", "step", "due_at", "done_at"]
    list_filter = ["step"]
