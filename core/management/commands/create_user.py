"""``manage.py create_user USERNAME --role ROLE [--region NN] [--organisation BIN]
[--token] [--rotate-token]``: creates or updates an account (INTERFACES.md).

Prints one JSON line ``{username, role, token?, password?}``; ``password``
appears only when it was generated here. The password is read from the
environment variable ``NEW_USER_PASSWORD`` when set.
"""

import json
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from core.models import Role
from core.services import token_get_or_create, token_rotate, user_create_or_update

PASSWORD_ENV = "NEW_USER_PASSWORD"


class Command(BaseCommand):
    help = "Creates or updates a user with a role, its region or organisation, and an API token."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", help="2-digit region code (inspectors).")
        parser.add_argument("--organisation", help="BIN of a registered organisation (insurers).")
        parser.add_argument("--token", action="store_true", help="Create an API token.")
        parser.add_argument(
            "--rotate-token", action="store_true", help="Replace the API token with a new one."
        )

    def handle(self, *args, **options) -> None:
        try:
            result = user_create_or_update(
                username=options["username"],
                role=options["role"],
                region_code=options["region"],
                organisation_bin=options["organisation"],
                password=os.environ.get(PASSWORD_ENV) or None,
            )
        except ValidationError as exc:
            raise CommandError(_format_errors(exc)) from exc

        user = result.user
        if options["rotate_token"]:
            token = token_rotate(user=user)
        elif options["token"]:
            token = token_get_or_create(user=user)
        else:
            token = Token.objects.filter(user=user).first()

        line = {"username": user.get_username(), "role": options["role"]}
        if token is not None:
            line["token"] = token.key
        if result.generated_password is not None:
            line["password"] = result.generated_password
        self.stdout.write(json.dumps(line, ensure_ascii=False))


def _format_errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
