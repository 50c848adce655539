from django import forms

from fault_switch.switch import Mode
from portal.models import LoginPolicy

# The console's choice that drops the override, so PORTAL_LOGIN_POLICY applies again.
POLICY_FROM_SETTINGS = "setting"


class FaultForm(forms.Form):
    """Switch one simulated system (the registry or VNeID) into a fault mode."""

    mode = forms.ChoiceField(label="Tình trạng", choices=Mode.choices)
    latency_ms = forms.IntegerField(
        label="Độ trễ thêm (ms)", min_value=0, max_value=60_000, initial=0, required=False
    )


class LoginPolicyForm(forms.Form):
    """Switch the portal's login policy, or return it to the PORTAL_LOGIN_POLICY setting."""

    policy = forms.ChoiceField(
        label="Chính sách đăng nhập",
        choices=[
            *LoginPolicy.choices,
            (POLICY_FROM_SETTINGS, "Theo cấu hình PORTAL_LOGIN_POLICY (bỏ giá trị chọn ở đây)"),
        ],
    )
