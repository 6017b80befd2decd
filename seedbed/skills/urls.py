from django.urls import path

from seedbed.skills import views

app_name = "skills"
urlpatterns = [
    path("", views.skill_list, name="list"),
    path("mine/", views.my_skills, name="my_skills"),
    path("mine/rate/", views.rate, name="rate"),
    path("search/", views.search, name="search"),
    path("new/", views.skill_edit, name="create"),
    path("<int:skill_id>/", views.skill_detail, name="detail"),
    path("<int:skill_id>/edit/", views.skill_edit, name="edit"),
    path("categories/", views.categories, name="categories"),
    path("categories/new/", views.category_edit, name="category_create"),
    path("categories/<int:category_id>/edit/", views.category_edit, name="category_edit"),
    path("scales/", views.scales, name="scales"),
    path("scales/new/", views.scale_edit, name="scale_create"),
    path("scales/<int:scale_id>/edit/", views.scale_edit, name="scale_edit"),
]
