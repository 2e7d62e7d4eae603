import uuid

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    Message = apps.get_model("notify", "Message")
    for message in Message.objects.filter(key__isnull=True).only("pk"):
        Message.objects.filter(pk=message.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="message", name="key", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="key",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="شناسهٔ یکتا"
            ),
        ),
    ]
