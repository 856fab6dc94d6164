"""Notifications store their params; the text is rendered on read. Existing rows keep their
finished text as params["text"] = [title, message] (one UPDATE, in the database)."""

from django.db import migrations, models
from django.db.models import F, Func
from django.db.models.functions import JSONObject


def text_into_params(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.update(params=JSONObject(text=Func(F("title"), F("message"), function="JSON_ARRAY")))


def params_into_text(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.iterator():
        text = (row.params or {}).get("text") or [row.notification_type, ""]
        row.title, row.message = text[0][:200], text[1]
        row.save(update_fields=["title", "message"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_ascending_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="notification", name="params", field=models.JSONField(blank=True, default=dict)
        ),
        migrations.RunPython(text_into_params, params_into_text),
        migrations.RemoveField(model_name="notification", name="title"),
        migrations.RemoveField(model_name="notification", name="message"),
    ]
