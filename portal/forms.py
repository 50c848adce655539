from typing import Any

from django import forms


class CriminalRecordRequestForm(forms.Form):
    """The application for a judicial record certificate (phiếu lý lịch tư pháp)."""

    class CertificateType:
        NO_1 = "1"
        NO_2 = "2"

    DELIVERY_IN_PERSON = "in_person"
    DELIVERY_POST = "post"

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    certificate_type = forms.ChoiceField(
        label="Loại phiếu",
        choices=[
            (CertificateType.NO_1, "Phiếu lý lịch tư pháp số 1"),
            (CertificateType.NO_2, "Phiếu lý lịch tư pháp số 2"),
        ],
        widget=forms.RadioSelect,
        initial=CertificateType.NO_1,
    )
    purpose = forms.CharField(
        label="Mục đích yêu cầu cấp phiếu",
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": "Ví dụ: Bổ sung hồ sơ xin việc"}),
    )
    copies = forms.IntegerField(label="Số lượng phiếu", min_value=1, max_value=10, initial=1)
    delivery = forms.ChoiceField(
        label="Hình thức nhận kết quả",
        choices=[
            (DELIVERY_IN_PERSON, "Nhận trực tiếp tại cơ quan tiếp nhận"),
            (DELIVERY_POST, "Nhận qua dịch vụ bưu chính"),
        ],
        initial=DELIVERY_IN_PERSON,
    )
    delivery_address = forms.CharField(label="Địa chỉ nhận kết quả", max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("delivery") == self.DELIVERY_POST and not cleaned.get("delivery_address"):
            self.add_error(
                "delivery_address",
                forms.ValidationError(
                    "Vui lòng nhập địa chỉ để nhận kết quả qua bưu chính.", code="required"
                ),
            )
        return cleaned
