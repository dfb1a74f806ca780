from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_caseedit_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
    ]
