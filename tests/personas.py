"""The shipped personas' data as the tests use it (README "Personas"): stated once, here."""

PORTAL_PASSWORD = "DvcSandbox@2026"
VNEID_PASSWORD = "VneidSandbox@2026"

NGA_CMND = "164438056"
NGA_CCCD = "037190612345"
NGA_PHONE = "0912345678"
NGA_SIM_PIN = "111222"
NGA_USB_PIN = "123456"

AN_USERNAME = "012345678"
AN_CCCD = "001085004321"
AN_PHONE = "0987654321"
AN_SIM_PIN = "222333"

HOA_CCCD = "048195020233"
KHOA_CCCD = "040201051888"

# Quảng Nam's portal (sandbox/personas.toml "provincial").
PROVINCIAL_PASSWORD = "QnamSandbox@2026"
NGA_PROVINCIAL_USERNAME = "tothinga1990"
AN_PROVINCIAL_USERNAME = "nguyenvanan85"
