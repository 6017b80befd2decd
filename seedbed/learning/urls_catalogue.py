"""URLs of the catalogue and of doing the learning (enrolments, approvals, sign-off, hours)."""

from django.urls import URLPattern, path

from seedbed.learning.views import catalogue, enrolments

urlpatterns: list[URLPattern] = [
    path("", enrolments.my_learning, name="mine"),
    path("catalogue/", catalogue.item_list, name="catalogue"),
    path("catalogue/new/", catalogue.item_edit, name="item_create"),
    path("catalogue/<int:item_id>/", catalogue.item_detail, name="item"),
    path("catalogue/<int:item_id>/edit/", catalogue.item_edit, name="item_edit"),
    path("catalogue/<int:item_id>/archive/", catalogue.item_archive, name="item_archive"),
    path("catalogue/<int:item_id>/enrol/", enrolments.enrol, name="enrol"),
    path(
        "catalogue/<int:item_id>/prerequisites/",
        catalogue.prerequisite_add,
        name="prerequisite_add",
    ),
    path(
        "catalogue/<int:item_id>/prerequisites/<int:prerequisite_id>/remove/",
        catalogue.prerequisite_remove,
        name="prerequisite_remove",
    ),
    path("catalogue/<int:item_id>/sessions/new/", catalogue.session_edit, name="session_create"),
    path("sessions/<int:session_id>/edit/", catalogue.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/delete/", catalogue.session_delete, name="session_delete"),
    path("enrolments/", enrolments.enrolment_list, name="enrolments"),
    path("enrolments/<int:enrolment_id>/", enrolments.enrolment_detail, name="enrolment"),
    path(
        "enrolments/<int:enrolment_id>/<slug:action>/",
        enrolments.enrolment_action,
        name="enrolment_action",
    ),
    path("approvals/", enrolments.approvals, name="approvals"),
    path("approvals/<int:enrolment_id>/", enrolments.decide, name="decide"),
    path("sign-offs/", enrolments.signoffs, name="signoffs"),
    path("sign-offs/<int:signoff_id>/", enrolments.sign_off, name="sign_off"),
    path("hours/", enrolments.hours, name="hours"),
    path("hours/<int:hours_id>/delete/", enrolments.hours_delete, name="hours_delete"),
]
