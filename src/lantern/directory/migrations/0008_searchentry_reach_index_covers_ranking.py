"""The reach index also carries each entry's service and coordinates (SQLite; PostgreSQL keeps
its plain index): a search near a place counts and ranks the national and statewide entries
from the index alone instead of reading thousands of rows (search/located.py)."""

import lantern.directory.models
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0007_searchentry_focus_and_type_equivalents'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='searchentry',
            name='directory_se_reach',
        ),
        migrations.AddIndex(
            model_name='searchentry',
            index=lantern.directory.models.CoveringIndex(covering=('active', 'confidential', 'terms', 'languages', 'populations', 'organization_type', 'available_24_7', 'assured_date', 'service', 'latitude', 'longitude'), fields=['reach', 'reach_states'], name='directory_se_reach'),
        ),
    ]
