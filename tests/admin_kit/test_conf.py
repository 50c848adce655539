"""One settings object per organisation: declared defaults, overrides, and refused typos."""

import importlib
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.conf import ca_settings, operator_settings, registry_settings
from admin_kit.conf import OrganisationSettings
from business_registry.conf import business_registry_settings
from certificate_authority.conf import authority_settings
from citizen_registry.conf import registry_api_settings
from identity.relying_party.conf import vneid_settings
from mobile_operator.conf import network_settings
from vneid.conf import provider_settings


def test_a_key_not_configured_reads_its_declared_default(settings):
    settings.EXAMPLE_ORG = {"BASE_URL": "http://example.test/"}
    example = OrganisationSettings("EXAMPLE_ORG", {"BASE_URL": "", "TIMEOUT_SECONDS": 3.0})
    assert example.BASE_URL == "http://example.test/"
    assert example.TIMEOUT_SECONDS == 3.0


def test_a_missing_object_reads_every_default(settings):
    del settings.VNEID_PROVIDER
    assert provider_settings.ISSUER == ""
    assert timedelta(hours=8) == provider_settings.SESSION_LIFETIME


def test_a_changed_setting_is_read_at_once(settings):
    settings.VNEID = {**settings.VNEID, "REQUIRED_LEVEL": 1}
    assert vneid_settings.REQUIRED_LEVEL == 1
    settings.VNEID = {**settings.VNEID, "REQUIRED_LEVEL": 2}
    assert vneid_settings.REQUIRED_LEVEL == 2


def test_an_unknown_key_in_the_settings_module_is_a_configuration_error(settings):
    settings.REGISTRY = {**settings.REGISTRY, "TIMEOUT": 5}
    with pytest.raises(ImproperlyConfigured, match="REGISTRY has unknown keys: TIMEOUT"):
        registry_settings.BASE_URL


def test_a_setting_that_is_not_a_dict_is_a_configuration_error(settings):
    settings.CA = "http://ca.test/ca/"
    with pytest.raises(ImproperlyConfigured, match="CA must be a dict"):
        ca_settings.BASE_URL


def test_reading_an_undeclared_key_is_an_error_in_the_code():
    with pytest.raises(AttributeError, match="MOBILE_OPERATOR has no setting 'URL'"):
        operator_settings.URL


def test_the_test_settings_configure_every_organisation():
    assert registry_settings.BASE_URL == "http://registry.test/registry/api/v1/"
    assert vneid_settings.ISSUER == "http://vneid.test/vneid"
    assert operator_settings.API_KEY == "dvcm_test_portal_key"
    assert ca_settings.BASE_URL == "http://ca.test/ca/"
    assert authority_settings.PUBLIC_BASE_URL == "http://ca.test/ca/"
    assert registry_api_settings.RATE_LIMIT_PER_KEY == 60
    assert network_settings.SIGNING_SECONDS == 120
    assert business_registry_settings.RATE_LIMIT_PER_KEY == 60
    assert provider_settings.BUSINESS_REGISTRY_URL == (
        "http://127.0.0.1:8000/business-registry/api/v1/"
    )
    assert provider_settings.BUSINESS_REGISTRY_TIMEOUT_SECONDS == 3.0


@pytest.fixture
def base_with(monkeypatch):
    """Return a function reloading the base settings under an environment; restore it after."""
    from config.settings import base

    def reload(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(base)

    yield reload
    monkeypatch.undo()
    importlib.reload(base)


def test_the_environment_fills_the_objects_with_converted_values(base_with):
    base = base_with(
        VNEID_PROVIDER_ISSUER="https://vneid.example/vneid",
        VNEID_REQUIRED_LEVEL="1",
        REGISTRY_TIMEOUT_SECONDS="4.5",
        REGISTRY_API_RATE_LIMIT_PER_KEY="90",
        MOBILE_OPERATOR_SIGNING_SECONDS="60",
        BUSINESS_REGISTRY_RATE_LIMIT_PER_ADDRESS="120",
        VNEID_BUSINESS_REGISTRY_TIMEOUT_SECONDS="7.5",
    )
    assert base.VNEID_PROVIDER == {
        "ISSUER": "https://vneid.example/vneid",
        "BUSINESS_REGISTRY_TIMEOUT_SECONDS": 7.5,
    }
    assert base.BUSINESS_REGISTRY == {"RATE_LIMIT_PER_ADDRESS": 120}
    assert base.VNEID["REQUIRED_LEVEL"] == 1
    assert base.REGISTRY["TIMEOUT_SECONDS"] == 4.5
    assert base.REGISTRY_API == {"RATE_LIMIT_PER_KEY": 90}
    assert base.MOBILE_OPERATOR_NETWORK == {"SIGNING_SECONDS": 60}


def test_an_unset_variable_leaves_the_key_to_its_declared_default(monkeypatch, base_with):
    monkeypatch.delenv("VNEID_ISSUER", raising=False)
    monkeypatch.delenv("VNEID_PROVIDER_ISSUER", raising=False)
    base = base_with()
    assert "ISSUER" not in base.VNEID
    assert base.VNEID_PROVIDER == {}


def test_the_ca_writes_its_own_address_or_else_the_one_the_portal_reaches_it_at(
    monkeypatch, base_with
):
    monkeypatch.delenv("CA_PUBLIC_BASE_URL", raising=False)
    base = base_with(CA_BASE_URL="http://ca.internal/ca/")
    assert base.CERTIFICATE_AUTHORITY == {"PUBLIC_BASE_URL": "http://ca.internal/ca/"}
    base = base_with(CA_PUBLIC_BASE_URL="https://ca.example/ca/")
    assert base.CERTIFICATE_AUTHORITY == {"PUBLIC_BASE_URL": "https://ca.example/ca/"}
