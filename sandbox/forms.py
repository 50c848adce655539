from typing import Any

from django import forms

from accounts import login_policy
from accounts.models import LoginPolicy
from fault_switch.switch import Mode
from provincial_portal import services as province

# The console's choice that drops the override, so PORTAL_LOGIN_POLICY applies again.
POLICY_FROM_SETTINGS = "setting"
CONSOLE = "Bàn điều khiển thử nghiệm"


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "policy")
        kwargs.setdefault("initial", {"policy": login_policy.current().value})
        super().__init__(*args, **kwargs)

    def apply(self) -> login_policy.PolicyState:
        """Switch the portal to the chosen policy; return the policy now in force.

        The province's cut-off of legacy organisation accounts follows (Nghị định 69/2024 set
        one date for every portal): refused under vneid_only_all, allowed under the others, and
        back to the province's own setting with the national one.
        """
        if self.cleaned_data["policy"] == POLICY_FROM_SETTINGS:
            province.clear_organisation_legacy_login()
            return login_policy.clear_override()
        state = login_policy.set_policy(policy=self.cleaned_data["policy"], changed_by=CONSOLE)
        province.set_organisation_legacy_login(
            state.allows_legacy_organisation_logins, changed_by=CONSOLE
        )
        return state
