from django.urls import path
from django.views.generic import TemplateView

app_name = "accounts"
_stub = TemplateView.as_view(template_name="base.html")
urlpatterns = [
    path("dang-nhap/", _stub, name="login"),
    path("dang-xuat/", _stub, name="logout"),
    path("quen-mat-khau/", _stub, name="password_reset"),
    path("tai-khoan/", _stub, name="account"),
    path("tai-khoan/cap-nhat-cccd/", _stub, name="update_cccd"),
    path("tai-khoan/thong-tin-dinh-danh/", _stub, name="identity"),
    path("tai-khoan/thong-tin-mo-rong/", _stub, name="extended"),
]
