"""The migrations match the models."""

from django.core.management import call_command


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
