"""URLconf for benchmarks: Seedbed's URLs plus a trivial page used as the baseline.

The trivial page goes through the same middleware, session, login and base template (with
navigation) as every Seedbed page, and does no work of its own, so a ratio against it says how
much a page costs beyond the fixed price of any page on this machine.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from seedbed.config.urls import urlpatterns as seedbed_urlpatterns

_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Trivial{% endblock %}'
    "{% block content %}<h1>Trivial</h1>{% endblock %}"
)


@login_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_TEMPLATE.render({}, request))


urlpatterns = [path("bench/trivial/", trivial), *seedbed_urlpatterns]
