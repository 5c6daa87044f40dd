from django.urls import path

from ads import saved_search_views, views

app_name = "ads"

urlpatterns = [
    path("", views.ad_list, name="list"),
    path("ads/new/", views.ad_create, name="create"),
    path("ads/mine/", views.my_ads, name="mine"),
    path("favourites/", views.favourite_list, name="favourites"),
    path("searches/", saved_search_views.saved_search_list, name="saved_searches"),
    path("searches/new/", saved_search_views.saved_search_create, name="saved_search_create"),
    path(
        "searches/<public_id:public_id>/", saved_search_views.saved_search_update, name="saved_search_update"
    ),
    path(
        "searches/<public_id:public_id>/delete/",
        saved_search_views.saved_search_delete,
        name="saved_search_delete",
    ),
    path(
        "searches/<public_id:public_id>/open/", saved_search_views.saved_search_open, name="saved_search_open"
    ),
    path(
        "searches/unsubscribe/<str:token>/",
        saved_search_views.saved_search_unsubscribe,
        name="saved_search_unsubscribe",
    ),
    path("ads/<public_id:public_id>/", views.ad_detail, name="detail"),
    path("ads/<public_id:public_id>/edit/", views.ad_edit, name="edit"),
    path("ads/<public_id:public_id>/sold/", views.ad_mark_sold, name="mark_sold"),
    path("ads/<public_id:public_id>/reactivate/", views.ad_reactivate, name="reactivate"),
    path("ads/<public_id:public_id>/remove/", views.ad_remove, name="remove"),
    path("ads/<public_id:public_id>/favourite/", views.favourite_set, name="favourite"),
]
