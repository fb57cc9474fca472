from django.core.checks import Error, Tags, register

from . import crypto


@register(Tags.security, deploy=True)
def pdp_keys_configured(app_configs, **kwargs):
    """A deployment without a working PDP key would refuse every learner page."""
    try:
        crypto.fernet()
    except crypto.PDPKeyError as exc:
        return [
            Error(
                str(exc),
                hint="Set PDP_ENCRYPTION_KEYS to one or more Fernet keys, comma-separated, "
                "newest first (python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())').",
                id="learning_profile.E001",
            )
        ]
    return []
