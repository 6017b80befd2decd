"""Translated sentences for the reasons of pairs and of people left unmatched."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

from seedbed.mentoring import analysis as an
from seedbed.mentoring.matching.results import Unmatched


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _level(value: Any) -> str:
    return "–" if value is None else str(value)


def describe(reason: dict[str, Any]) -> str:
    """One translated sentence for a factor of a pair (``ProposedPair.reasons`` or
    ``weakest``), e.g. "Level 4 in Kubernetes where Emil needs 3" or "Shares German"."""
    factor = reason.get("factor")
    d: dict[str, Any] = reason.get("detail") or {}
    name = str(d.get("mentee", ""))
    if factor == "skills":
        if d.get("skill"):
            return _("Level %(level)s in %(skill)s where %(name)s needs %(needed)s") % {
                "level": _level(d.get("mentor_level")),
                "skill": d["skill"],
                "name": name,
                "needed": _level(d.get("needed")),
            }
        if not d.get("needs"):
            return _("%(name)s has no skill gaps or wanted skills in scope") % {"name": name}
        return _("Holds none of the skills %(name)s needs above %(name)s's level") % {"name": name}
    if factor == "goals":
        skills = list(d.get("skills") or [])
        if skills:
            return _("Can help with %(skills)s, which %(name)s wants to learn") % {
                "skills": ", ".join(skills),
                "name": name,
            }
        if not d.get("wanted"):
            return _("%(name)s named no skills as goals") % {"name": name}
        return ngettext(
            "Cannot help with the skill %(name)s wants to learn",
            "Can help with none of the %(count)d skills %(name)s wants to learn",
            int(d["wanted"]),
        ) % {"count": int(d["wanted"]), "name": name}
    if factor == "language":
        if d.get("state") == "shared":
            return _("Shares %(languages)s") % {
                "languages": ", ".join(language_name(c) for c in d.get("shared", []))
            }
        if d.get("state") == "unknown":
            return _("Languages not known")
        return _("No language in common")
    if factor == "timezone":
        hours = d.get("hours")
        if hours is None:
            return _("Time zone not known")
        if hours == 0:
            return _("No time difference")
        value = float(hours)
        shown = number_format(int(value) if value.is_integer() else round(value, 1))
        return _("Time zones %(hours)s h apart") % {"hours": shown}
    if factor == "teams":
        same, pref = d.get("same"), d.get("preference")
        if same is None:
            return _("Team not known")
        if pref == "same":
            return (
                _("From the same team")
                if same
                else _("From different teams (the programme prefers pairs within a team)")
            )
        return (
            _("From the same team (the programme prefers pairs across teams)")
            if same
            else _("From different teams")
        )
    if factor == "seniority":
        mentor, reverse = d.get("mentor"), bool(d.get("reverse"))
        # Less than a reporting level apart: only a little (direct reports, tenure).
        slight = abs(float(d.get("difference") or 0.0)) < 0.9
        if mentor == "same":
            return _("About equally senior")
        if mentor == "less":
            if reverse:
                return (
                    _("The mentor is only a little more junior (reverse mentoring)")
                    if slight
                    else _("The mentor is more junior, as reverse mentoring intends")
                )
            return (
                _("The mentor is a little more junior")
                if slight
                else _("The mentor is more junior")
            )
        if reverse:
            return _("The mentor is more senior (reverse mentoring prefers a junior mentor)")
        return (
            _("The mentor is only a little more senior")
            if slight
            else _("The mentor is more senior")
        )
    return str(factor or "")


def describe_blocker(code: str, side: str, detail: dict[str, Any]) -> str:
    """One translated sentence for a reason code (``Unmatched.reason`` or ``pair_blockers``),
    from the point of view of a person on ``side`` ("mentor" or "mentee")."""
    n = int(detail.get("candidates", 0))
    mentee = side == "mentee"
    if code == "self":
        return _("Nobody can mentor themselves")
    if code == an.NO_CANDIDATE:
        return (
            _("No mentor in the programme has room for a mentee")
            if mentee
            else _("No mentee in the programme is waiting for a mentor")
        )
    if code == an.CAPACITY:
        return _("Every suitable mentor is already at capacity")
    if code == an.OUTCOMPETED:
        k = int(detail.get("suitable", 0))
        if mentee:
            return ngettext(
                "The one suitable mentor fits other mentees better",
                "The %(count)d suitable mentors fit other mentees better",
                k,
            ) % {"count": k}
        return ngettext(
            "The one suitable mentee fits other mentors better",
            "The %(count)d suitable mentees fit other mentors better",
            k,
        ) % {"count": k}
    if code == "no_shared_language":
        if not detail:
            return _("No language in common (the programme requires one)")
        return ngettext(
            "No language in common with the one possible partner",
            "No language in common with %(count)d of the %(total)d possible partners",
            n,
        ) % {"count": int(detail.get("blocked", {}).get(code, n)), "total": n}
    if code == "reporting_line":
        if not detail:
            return _("One reports to the other (directly or further down)")
        return ngettext(
            "The one possible partner is in the same reporting line",
            "%(count)d of the %(total)d possible partners are in the same reporting line",
            n,
        ) % {"count": int(detail.get("blocked", {}).get(code, n)), "total": n}
    if code == "excluded":
        if not detail:
            return _("Excluded by one of the two, or declined before")
        return ngettext(
            "The one possible partner is excluded or declined before",
            "%(count)d of the %(total)d possible partners are excluded or declined before",
            n,
        ) % {"count": int(detail.get("blocked", {}).get(code, n)), "total": n}
    if code == "below_min_score":
        if "best" in detail:
            return _("No pair reaches the minimum score of %(min)s (best %(best)s)") % {
                "min": number_format(float(detail.get("min_score", 0)), 2),
                "best": number_format(float(detail["best"]), 2),
            }
        return _("The pair scores below the programme's minimum")
    return code


def describe_unmatched(u: Unmatched) -> str:
    """One translated sentence for why ``u`` stays unmatched."""
    return describe_blocker(str(u.reason.get("code", "")), u.side, u.reason.get("detail") or {})
