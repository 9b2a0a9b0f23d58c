"""Receivers: the audit log and ending sessions follow sign-ins, password changes and role changes.

Connected once from ``AccountsConfig.ready()``; each handler calls one function.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from caspian.security import client_ip

from . import audit, sessions, two_factor


def signed_in(sender, request, user, **kwargs):
    # Someone who owes a second factor is not signed in yet: the verify step logs that (views.verify).
    pending = two_factor.has_second_factor(user) or two_factor.required_for(user)
    action = audit.PASSWORD_ACCEPTED if pending else audit.SIGNED_IN
    audit.log(user, action, user=user, data={"ip": client_ip(request) if request else None})


def signed_out(sender, request, user, **kwargs):
    if request is not None:
        sessions.forget(request.session.session_key)
    if user is not None:
        audit.log(user, audit.SIGNED_OUT, user=user, data={"ip": client_ip(request) if request else None})


SUPERUSER = "Administrator (superuser)"


def user_saving(sender, instance, raw, **kwargs):
    """Note a fixture load (see :func:`note_loading`) and whether superuser status is being given or taken."""
    note_loading(sender, instance, raw)
    if raw or instance.pk is None:
        return
    was = sender._default_manager.filter(pk=instance.pk).values_list("is_superuser", flat=True).first()
    instance._caspian_superuser_changed = was is not None and was != instance.is_superuser


def user_saved(sender, instance, created, raw=False, **kwargs):
    """A password change ends the other sessions; superuser status given or taken is a role change."""
    # AbstractBaseUser.save() keeps the new raw password in _password until just after this signal.
    if not created and getattr(instance, "_password", None) is not None:
        sessions.end_sessions(instance, reason="password changed")
    if getattr(instance, "_caspian_superuser_changed", False):
        instance._caspian_superuser_changed = False
        given = instance.is_superuser
        audit.log(
            instance,
            audit.ROLES_CHANGED,
            data={"added": [SUPERUSER] if given else [], "removed": [] if given else [SUPERUSER]},
        )
        if not given:
            sessions.end_sessions(instance, reason="role removed")


def passkey_saved(sender, instance, created, update_fields=None, **kwargs):
    # django-otp-webauthn's own views make passkeys and sign in with them: log both like our other factors.
    if created:
        audit.log(instance.user, audit.TWO_FACTOR_ENROLLED, data={"device": "Passkey"})
    elif update_fields and "last_used_at" in update_fields:
        audit.log(instance.user, audit.SIGNED_IN, user=instance.user, data={"device": "Passkey"})


def note_loading(sender, instance, raw, **kwargs):
    # Fixtures and test databases are loaded row by row (raw), their roles and permissions
    # set on the same instance afterwards: that is no one changing a role, and nothing to log.
    instance._caspian_loading = raw


def _group_names(pk_set):
    return sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))


def roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """User.groups changed (from either side): log it on each user; a user who lost a role is signed out."""
    if getattr(instance, "_caspian_loading", False):
        return
    User = get_user_model()
    if action == "pre_clear":
        # The rows are gone after the clear: note which they were for post_clear.
        related = instance.user_set if reverse else instance.groups
        instance._caspian_cleared = list(related.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_caspian_cleared", None) or [])
    if not pk_set:
        return
    removed = action != "post_add"
    if reverse:  # group.user_set changed: instance is the group, pk_set the users
        changes = [(user, [instance.name]) for user in User._default_manager.filter(pk__in=pk_set)]
    else:
        changes = [(instance, _group_names(pk_set))]
    for user, names in changes:
        audit.log(
            user, audit.ROLES_CHANGED, data={"added": [] if removed else names, "removed": names if removed else []}
        )
        if removed:
            sessions.end_sessions(user, reason="role removed")


def _permission_names(pk_set):
    return sorted(
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(pk__in=pk_set).values_list("content_type__app_label", "codename")
    )


def permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Group.permissions changed: log it on the group (Wagtail logs the group's edit without the details)."""
    if (
        reverse
        or action not in {"post_add", "post_remove"}
        or not pk_set
        or getattr(instance, "_caspian_loading", False)
    ):
        return
    names = _permission_names(pk_set)
    added = action == "post_add"
    audit.log(
        instance, audit.PERMISSIONS_CHANGED, data={"added": names if added else [], "removed": [] if added else names}
    )


def user_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A user's own permissions changed: logged on the user, as their roles are."""
    if (
        reverse
        or action not in {"post_add", "post_remove"}
        or not pk_set
        or getattr(instance, "_caspian_loading", False)
    ):
        return
    added = action == "post_add"
    names = _permission_names(pk_set)
    audit.log(
        instance, audit.PERMISSIONS_CHANGED, data={"added": names if added else [], "removed": [] if added else names}
    )


def object_permission_changed(sender, instance, created=None, raw=False, **kwargs):
    """A role gained or lost a permission on a page or a collection (publishing rights): logged on the role."""
    if raw:
        return
    target = getattr(instance, "page", None) or getattr(instance, "collection", None)
    name = f"{instance.permission.content_type.app_label}.{instance.permission.codename} on {target}"
    added = created is not None  # post_save passes created; post_delete does not
    audit.log(
        instance.group,
        audit.PERMISSIONS_CHANGED,
        data={"added": [name] if added else [], "removed": [] if added else [name]},
    )


def connect():
    from django_otp_webauthn.models import WebAuthnCredential

    User = get_user_model()
    user_logged_in.connect(signed_in, dispatch_uid="caspian_accounts_signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="caspian_accounts_signed_out")
    post_save.connect(user_saved, sender=User, dispatch_uid="caspian_accounts_password")
    pre_save.connect(user_saving, sender=User, dispatch_uid="caspian_accounts_user_loading")
    pre_save.connect(note_loading, sender=Group, dispatch_uid="caspian_accounts_group_loading")
    m2m_changed.connect(roles_changed, sender=User.groups.through, dispatch_uid="caspian_accounts_roles")
    post_save.connect(passkey_saved, sender=WebAuthnCredential, dispatch_uid="caspian_accounts_passkey")
    m2m_changed.connect(permissions_changed, sender=Group.permissions.through, dispatch_uid="caspian_accounts_perms")
    m2m_changed.connect(
        user_permissions_changed, sender=User.user_permissions.through, dispatch_uid="caspian_accounts_user_perms"
    )
    for model in (GroupPagePermission, GroupCollectionPermission):
        for signal in (post_save, post_delete):
            signal.connect(object_permission_changed, sender=model, dispatch_uid=f"caspian_accounts_{model.__name__}")
