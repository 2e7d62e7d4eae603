"""The transition tables are written with the models' choices: every status has a row, and every
arrow leads to a status that exists (a typo or a status added without a row fails here)."""

from django.test import SimpleTestCase

from pishkhan.cases.models import Case
from pishkhan.cases.transitions import ALLOWED as CASE_ALLOWED
from pishkhan.cases.transitions import CLOSED_STATES, PUBLIC_PHASES
from pishkhan.directives.models import Directive
from pishkhan.directives.services import ALLOWED as DIRECTIVE_ALLOWED
from pishkhan.directives.services import OPEN
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.services import ALLOWED as MEETING_ALLOWED
from pishkhan.portal.models import Article, Comment
from pishkhan.portal.services import ARTICLE_ALLOWED, COMMENT_ALLOWED
from pishkhan.visits.models import Visit
from pishkhan.visits.services import ALLOWED as VISIT_ALLOWED


class TransitionTablesTests(SimpleTestCase):
    def test_each_table_has_a_row_per_status_and_only_real_statuses(self):
        for table, status in [
            (CASE_ALLOWED, Case.Status),
            (DIRECTIVE_ALLOWED, Directive.Status),
            (MEETING_ALLOWED, Meeting.Status),
            (VISIT_ALLOWED, Visit.Status),
            (ARTICLE_ALLOWED, Article.Status),
            (COMMENT_ALLOWED, Comment.Status),
        ]:
            with self.subTest(status.__qualname__):
                self.assertEqual(set(table), set(status.values))
                for source, targets in table.items():
                    self.assertIsInstance(source, status)
                    for target in targets:
                        self.assertIsInstance(target, status)
                        self.assertNotEqual(source, target)

    def test_the_other_status_lists_are_choices_too(self):
        for value in [*CLOSED_STATES, *(key for key, _ in PUBLIC_PHASES)]:
            self.assertIsInstance(value, Case.Status)
        for value in OPEN:
            self.assertIsInstance(value, Directive.Status)
