from django.db import models


class ReportPermissions(models.Model):
    """No table: only carries the reports app's permission."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", "Can see reports and exports")]
