import os

from django.core.wsgi import get_wsgi_application

from lantern.datadir import private_umask

private_umask()  # everything under LANTERN_DATA_DIR is for this user only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
application = get_wsgi_application()
