"""API token authentication: django-rest-knox's, hardened.

Knox stores a SHA-512 digest of each token (never the token) with its expiry, and finds a token
by its first characters. Here a malformed token is refused before any query (knox would let a
non-UTF-8 header raise), and a token authenticates only someone who may still hold one: a
teacher whose account is active."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from school.permissions import can_obtain_api_token

# What knox makes: lowercase hexadecimal (64 characters); anything else cannot match.
TOKEN_SHAPE = re.compile(rb"[0-9a-f]{16,128}")
TOKEN_INVALID = _("Jeton d'API invalide, expiré ou révoqué.")


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed as error:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID) from error

    def validate_user(self, auth_token):
        if not (auth_token.user.is_active and can_obtain_api_token(auth_token.user)):
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        return auth_token.user, auth_token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes it: the same `tokenAuth` scheme as before knox."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
