from django.urls import path

from ads import views

app_name = "ads"

urlpatterns = [
    path("", views.ad_list, name="list"),
    path("ads/new/", views.ad_create, name="create"),
    path("ads/mine/", views.my_ads, name="mine"),
    path("favourites/", views.favourite_list, name="favourites"),
    path("ads/<public_id:public_id>/", views.ad_detail, name="detail"),
    path("ads/<public_id:public_id>/edit/", views.ad_edit, name="edit"),
    path("ads/<public_id:public_id>/sold/", views.ad_mark_sold, name="mark_sold"),
    path("ads/<public_id:public_id>/reactivate/", views.ad_reactivate, name="reactivate"),
    path("ads/<public_id:public_id>/remove/", views.ad_remove, name="remove"),
    path("ads/<public_id:public_id>/favourite/", views.favourite_set, name="favourite"),
]
