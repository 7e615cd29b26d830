"""The simulator mounted inside the development server (routed only while DEBUG is on).

``make run`` has no second process or TLS terminator, so in development the
client talks plain HTTP to ``SITE_URL/dev/bankid-simulator/rp/v6.0/...`` on the
same server. Tests and ``manage.py bankid_simulator`` use the HTTPS server with
client certificates instead. ``/dev/bankid-simulator/`` is a small page that
plays the person with the phone: which personal number, which outcome.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from idp.bankid.simulator.core import OUTCOMES, Simulator

SIMULATOR = Simulator()


@csrf_exempt  # a server-to-server JSON API, like BankID's own; development only
@require_POST
def api(request: HttpRequest, path: str) -> JsonResponse:
    try:
        body: Any = json.loads(request.body or b"null")
    except ValueError:
        body = None
    status, payload = SIMULATOR.handle("/" + path, body)
    return JsonResponse(payload, status=status)


def control(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        SIMULATOR.handle(
            "/sim/scenario",
            {
                "personalNumber": request.POST.get("personal_number", "").strip(),
                "outcome": request.POST.get("outcome", "complete"),
            },
        )
        return redirect("bankid_simulator")
    context = {"scenario": SIMULATOR.scenario, "outcomes": OUTCOMES}
    return render(request, "idp_bankid/simulator.html", context)
