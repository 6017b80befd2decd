"""The results page: one search across everything the viewer may see, a tab per kind,
pages of 20. htmx requests (typing in the page's own search field) get the results part."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from seedbed.lib.errors import ServiceError
from seedbed.lib.http import AuthedHttpRequest
from seedbed.search import services
from seedbed.search.backends import semantic
from seedbed.search.forms import KIND_LABELS, PER_PAGE, SearchForm
from seedbed.search.index import KINDS
from seedbed.search.presenters import shown
from seedbed.search.services import KEYWORD, SEMANTIC


def _link(q: str, kind: str, flags: dict[str, bool], page: int = 1) -> str:
    """``?q=...`` keeping the page's kind tab and flags (``exact``, ``meaning``)."""
    params: dict[str, str | int] = {"q": q}
    if kind:
        params["kind"] = kind
    params.update({name: 1 for name, on in flags.items() if on})
    if page > 1:
        params["page"] = page
    return "?" + urlencode(params)


@login_required
def results(request: AuthedHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    result: services.SearchPage | None = None
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        kind = form.cleaned_data["kind"]
        page = form.cleaned_data["page"] or 1
        if q:
            try:
                result = services.search(
                    viewer=request.user,
                    q=q,
                    kinds=[kind] if kind else (),
                    limit=PER_PAGE,
                    offset=(page - 1) * PER_PAGE,
                    fix_typos=not form.cleaned_data["exact"],
                    mode=SEMANTIC if form.cleaned_data["meaning"] else KEYWORD,
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    ctx: dict[str, object] = {
        "form": form,
        "result": result,
        "semantic_available": semantic() is not None,
    }
    if result is not None:
        q, kind = result.query, form.cleaned_data["kind"]
        flags = {"exact": form.cleaned_data["exact"], "meaning": form.cleaned_data["meaning"]}
        page = result.offset // PER_PAGE + 1
        ctx.update(
            {
                "tabs": [
                    {
                        "label": KIND_LABELS[k],
                        "count": result.counts[k],
                        "url": _link(q, k, flags),
                        "current": kind == k,
                    }
                    for k in KINDS
                ],
                "all_tab": {
                    "count": sum(result.counts.values()),
                    "url": _link(q, "", flags),
                    "current": not kind,
                },
                "rows": [shown(r) for r in result.results],
                "page": page,
                "pages": max(1, -(-result.total // PER_PAGE)),
                "first": result.offset + 1,
                "last": result.offset + len(result.results),
                "prev_url": _link(q, kind, flags, page - 1) if page > 1 else None,
                "next_url": _link(q, kind, flags, page + 1) if result.has_next else None,
                "exact_url": _link(q, kind, {**flags, "exact": True}),
            }
        )
    template = "search/results.html#results" if request.htmx else "search/results.html"
    return render(request, template, ctx)
