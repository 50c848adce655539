from django import forms

from citizen_registry.models import FaultInjection


class RegistryFaultForm(forms.Form):
    mode = forms.ChoiceField(label="Tình trạng CSDL dân cư", choices=FaultInjection.Mode.choices)
    latency_ms = forms.IntegerField(
        label="Độ trễ thêm (ms)", min_value=0, max_value=60_000, initial=0, required=False
    )
