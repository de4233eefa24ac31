import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_application = get_wsgi_application()

# The MHI status look-up's token-authenticated POSTs are answered in front of Django's
# handler (the module says how); everything else goes to Django.
from mhi_registry.fastpath import LeanLookup  # noqa: E402  (needs Django set up)

application = LeanLookup(django_application)
