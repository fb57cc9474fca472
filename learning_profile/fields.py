from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Plain text in Python, ciphertext in the database. Empty stays empty.

    Not searchable or filterable by its content (every encryption of the same text differs),
    which is the point: nothing in the database, its backups or its logs reads as the text.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value)
