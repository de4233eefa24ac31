"""The Content-Security-Policy header on Django versions without their own (before 6.0)."""

from django.conf import settings


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.SECURE_CSP`` as the header, as Django 6's own middleware does."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(settings.SECURE_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
