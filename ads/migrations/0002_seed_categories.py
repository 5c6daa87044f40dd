from django.db import migrations

CATEGORIES = [
    ("Vehicles", "vehicles"),
    ("Real estate", "real-estate"),
    ("Electronics", "electronics"),
    ("Phones", "phones"),
    ("Furniture", "furniture"),
    ("Bikes", "bikes"),
    ("Home & garden", "home-garden"),
    ("Fashion", "fashion"),
    ("Pets", "pets"),
    ("Jobs", "jobs"),
    ("Services", "services"),
    ("Other", "other"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("ads", "Category")
    for position, (name, slug) in enumerate(CATEGORIES):
        Category.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("ads", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
