"""The documents step's own buttons: Upload, Remove, and files still waiting for their kind.

Files are checked and stored the moment they are posted. A file chosen without saying what
kind of document it is is stored all the same (as "Other" until then) and the step asks for
its kind: nobody has to choose a file twice because of a missed question. The kind given next
(with Upload or Next) is applied to those files.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from screening.core.throttle import uploads_allowed
from screening.intake.submit import (
    add_draft_documents,
    draft_documents,
    remove_draft_document,
    set_draft_documents_category,
)
from screening.intake.views.limits import too_many_uploads_page
from screening.models import DocumentCategory

# Ids of the draft's documents stored before their kind was chosen (wizard extra data).
WITHOUT_KIND = "documents_without_kind"


def _names(documents) -> str:
    return ", ".join(f"“{document.original_name}”" for document in documents)


def _without_kind(wizard) -> list[int]:
    return [int(pk) for pk in wizard.storage.extra_data.get(WITHOUT_KIND, [])]


def _set_without_kind(wizard, ids) -> None:
    extra = {k: v for k, v in wizard.storage.extra_data.items() if k != WITHOUT_KIND}
    if ids:
        extra[WITHOUT_KIND] = sorted(set(ids))
    wizard.storage.extra_data = extra


def documents_context(wizard) -> dict:
    return {
        "documents": draft_documents(wizard.storage.draft),
        "without_kind": set(_without_kind(wizard)),
    }


def documents_post(wizard, form):
    """The documents step's post: a response, or None to go on as any step does (Next)."""
    request, post = wizard.request, wizard.request.POST
    remove = post.get("remove")
    if remove:
        wizard.store_typed("documents", form)
        removed = wizard.storage.draft and remove_draft_document(wizard.storage.draft, remove)
        if removed:
            _set_without_kind(wizard, [pk for pk in _without_kind(wizard) if pk != removed.pk])
            messages.success(request, _("Removed “%(name)s”.") % {"name": removed.original_name})
        return redirect(wizard.get_step_url("documents"))

    files = request.FILES.getlist(form.add_prefix("files"))
    if files and not uploads_allowed(request, files):
        wizard.store_typed("documents", form)
        return too_many_uploads_page(request)
    form.is_valid()  # field checks first, so the errors below add to them
    category = post.get(form.add_prefix("category"))
    kind_given = category in DocumentCategory.values
    waiting = _without_kind(wizard)
    if kind_given and waiting and wizard.storage.draft is not None:
        sorted_out = set_draft_documents_category(wizard.storage.draft, waiting, category)
        _set_without_kind(wizard, [])
        waiting = []
        if sorted_out:
            messages.success(
                request,
                _("Saved what kind of document %(names)s is.") % {"names": _names(sorted_out)},
            )
    if files:
        outcome = add_draft_documents(
            wizard.storage.ensure_draft(), files, category if kind_given else DocumentCategory.OTHER
        )
        for message in outcome.rejected:
            form.add_error("files", message)
        if outcome.stored:
            if not kind_given:
                waiting += [document.pk for document in outcome.stored]
                _set_without_kind(wizard, waiting)
            messages.success(
                request,
                ngettext(
                    "Added %(names)s.", "Added %(count)s files: %(names)s.", len(outcome.stored)
                )
                % {"names": _names(outcome.stored), "count": len(outcome.stored)},
            )
    elif "upload" in post and not kind_given:
        form.add_error("files", _("Choose at least one file to upload."))
    if waiting:
        documents = [d for d in draft_documents(wizard.storage.draft) if d.pk in waiting]
        if documents:
            form.add_error(
                "category",
                ngettext(
                    "Choose what kind of document %(names)s is. The file is kept: you do not "
                    "need to choose it again.",
                    "Choose what kind of documents %(names)s are. The files are kept: you do "
                    "not need to choose them again.",
                    len(documents),
                )
                % {"names": _names(documents)},
            )
    if form.errors:
        wizard.store_typed("documents", form)
        return wizard.render(form)
    if "upload" in post:
        wizard.store_typed("documents", form)
        return redirect(wizard.get_step_url("documents"))
    return None
