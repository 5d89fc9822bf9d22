"""store_upload: bytes land in private storage under random names; failures leave no file."""

import dataclasses
import hashlib
import io
import re
import threading

import pytest
from django.db import IntegrityError, transaction
from PIL import Image

from screening.documents import pdf_probe
from screening.documents.uploads import (
    MAX_FILES_PER_CASE,
    UploadRejected,
    atomic_with_file_cleanup,
    check_upload,
    delete_document_files,
    store_upload,
)
from screening.models import Document
from tests.uploads.conftest import sha256_of_stored, stored_files, uploaded, uploaded_on_disk
from tests.uploads.samples import JPEG_BYTES, make_pdf, make_png

pytestmark = pytest.mark.django_db


def test_a_stored_pdf_reads_back_with_the_same_hash_under_a_random_name(draft):
    content = make_pdf(pages=2)
    document = store_upload(
        check_upload(uploaded("../Flow report.pdf", content)),
        category="flow_cytometry",
        draft=draft,
    )
    document.refresh_from_db()
    assert sha256_of_stored(document) == hashlib.sha256(content).hexdigest() == document.sha256
    assert re.fullmatch(r"documents/\d{4}/[0-9a-f]{32}\.pdf", document.file.name)
    assert document.original_name == "Flow report.pdf"
    assert (document.size, document.content_type, document.page_count) == (
        len(content),
        "application/pdf",
        2,
    )
    assert document.draft == draft and document.case is None
    assert document.source == "intake"


def test_a_png_is_stored_encoded_again_with_the_same_pixels_and_its_hash(draft):
    content = make_png(32, 16)
    document = store_upload(
        check_upload(uploaded("scan.png", content)), category="labs", draft=draft
    )
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert Image.open(io.BytesIO(stored)).tobytes() == Image.open(io.BytesIO(content)).tobytes()
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored)


def test_a_jpeg_is_stored_as_a_jpeg_of_the_same_size_in_pixels(draft):
    document = store_upload(
        check_upload(uploaded("photo.jpg", JPEG_BYTES)), category="labs", draft=draft
    )
    with document.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert (stored.format, stored.size) == ("JPEG", (16, 16))
    assert document.content_type == "image/jpeg"


def test_a_file_spooled_to_disk_is_copied_not_moved(draft):
    content = make_pdf()
    upload = uploaded_on_disk("big.pdf", content)
    document = store_upload(check_upload(upload), category="labs", draft=draft)
    assert sha256_of_stored(document) == hashlib.sha256(content).hexdigest()
    # The request's temporary file is still Django's to clean up.
    upload.seek(0)
    assert upload.read() == content


def test_two_uploads_of_the_same_file_get_different_names(draft):
    first = store_upload(check_upload(uploaded("a.pdf", make_pdf())), category="labs", draft=draft)
    second = store_upload(check_upload(uploaded("a.pdf", make_pdf())), category="labs", draft=draft)
    assert first.file.name != second.file.name
    assert first.sha256 == second.sha256


def test_it_refuses_an_unknown_category_and_a_missing_owner(draft):
    checked = check_upload(uploaded("a.pdf", make_pdf()))
    before = stored_files()
    with pytest.raises(ValueError):
        store_upload(checked, category="x-rays", draft=draft)
    with pytest.raises(ValueError):
        store_upload(checked, category="labs")
    assert stored_files() == before


def test_the_31st_file_of_a_draft_is_refused_and_leaves_no_file(draft):
    checked = check_upload(uploaded("page.png", make_png()))
    for _ in range(MAX_FILES_PER_CASE):
        store_upload(checked, category="other", draft=draft)
    before = stored_files()
    with pytest.raises(UploadRejected) as error:
        store_upload(
            check_upload(uploaded("one-too-many.png", make_png())), category="other", draft=draft
        )
    assert error.value.reason == "too_many"
    assert "“one-too-many.png”" in str(error.value)
    assert Document.objects.filter(draft=draft).count() == MAX_FILES_PER_CASE
    assert stored_files() == before


def test_when_the_row_cannot_be_created_the_file_is_deleted(draft):
    checked = check_upload(uploaded("a.pdf", make_pdf()))
    # A negative size breaks the column's CHECK constraint (SQLite and PostgreSQL alike), so
    # the insert fails after the bytes were written.
    broken = dataclasses.replace(checked, size=-1)
    before = stored_files()
    with pytest.raises(IntegrityError):
        store_upload(broken, category="labs", draft=draft)
    assert stored_files() == before
    assert not Document.objects.filter(draft=draft).exists()


def test_a_rollback_after_storing_leaves_no_file_and_no_row(draft):
    before = stored_files()
    with pytest.raises(RuntimeError):
        with atomic_with_file_cleanup():
            store_upload(check_upload(uploaded("a.pdf", make_pdf())), category="labs", draft=draft)
            store_upload(check_upload(uploaded("b.png", make_png())), category="labs", draft=draft)
            assert len(stored_files() - before) == 2
            raise RuntimeError("a later step of the submit failed")
    assert stored_files() == before
    assert not Document.objects.filter(draft=draft).exists()


def test_a_failure_in_an_outer_block_removes_files_stored_in_inner_blocks(draft):
    before = stored_files()
    with pytest.raises(RuntimeError):
        with atomic_with_file_cleanup():
            with atomic_with_file_cleanup():
                store_upload(
                    check_upload(uploaded("a.pdf", make_pdf())), category="labs", draft=draft
                )
            assert len(stored_files() - before) == 1
            raise RuntimeError("fails after the inner block succeeded")
    assert stored_files() == before


def test_a_failed_inner_block_keeps_the_files_of_the_outer_block(draft):
    before = stored_files()
    with atomic_with_file_cleanup():
        kept = store_upload(
            check_upload(uploaded("a.pdf", make_pdf())), category="labs", draft=draft
        )
        with pytest.raises(RuntimeError):
            with atomic_with_file_cleanup():
                store_upload(
                    check_upload(uploaded("b.png", make_png())), category="labs", draft=draft
                )
                raise RuntimeError("inner step fails, caller carries on")
    assert stored_files() - before == {stored_path(kept)}
    assert list(Document.objects.filter(draft=draft)) == [kept]


def stored_path(document):
    from pathlib import Path

    return Path(document.file.path)


def test_delete_document_files_waits_for_the_commit(draft, django_capture_on_commit_callbacks):
    document = store_upload(
        check_upload(uploaded("a.pdf", make_pdf())), category="labs", draft=draft
    )
    path = stored_path(document)
    with pytest.raises(RuntimeError):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                delete_document_files([document])
                Document.objects.filter(pk=document.pk).delete()
                raise RuntimeError("rolled back")
    assert callbacks == []
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        delete_document_files(Document.objects.filter(pk=document.pk))
    assert not path.exists()


def test_a_missing_file_does_not_stop_the_others_being_deleted(
    draft, django_capture_on_commit_callbacks
):
    first = store_upload(check_upload(uploaded("a.pdf", make_pdf())), category="labs", draft=draft)
    second = store_upload(check_upload(uploaded("b.pdf", make_pdf())), category="labs", draft=draft)
    stored_path(first).unlink()
    with django_capture_on_commit_callbacks(execute=True):
        delete_document_files([first, second])
    assert not stored_path(second).exists()


def _opened(reply):
    return reply.outcome, reply.pages


def test_a_pdf_check_that_overruns_is_stopped_and_the_next_check_works():
    with pytest.raises(pdf_probe.ProbeTimeout):
        pdf_probe.run_in_pool("sleep", seconds=30, timeout=0.5)
    assert _opened(pdf_probe.check_pdf(make_pdf(pages=4))) == (pdf_probe.OK, 4)


def test_a_pdf_worker_cannot_grow_past_its_memory_cap_and_the_pool_carries_on():
    # The cap turns a runaway allocation (a crafted PDF's huge array) into a MemoryError
    # inside the worker, which it reports as an error of kind "memory".
    reply = pdf_probe.run_in_pool("allocate", size=pdf_probe.MEMORY_LIMIT_BYTES * 2)
    assert (reply.outcome, reply.error) == (pdf_probe.ERROR, "memory")
    assert _opened(pdf_probe.check_pdf(make_pdf(pages=1))) == (pdf_probe.OK, 1)


def test_checks_from_several_threads_share_the_pool_safely():
    results = []

    def check():
        results.append(_opened(pdf_probe.check_pdf(make_pdf(pages=2))))

    threads = [threading.Thread(target=check) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(pdf_probe.OK, 2)] * 6


def _check_in_child(queue):
    queue.put(_opened(pdf_probe.check_pdf(make_pdf(pages=3))))


def test_the_pdf_check_works_inside_a_daemonic_process_like_a_celery_prefork_worker():
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_check_in_child, args=(queue,), daemon=True)
    child.start()
    try:
        assert queue.get(timeout=30) == (pdf_probe.OK, 3)
    finally:
        child.join(timeout=10)


def test_a_worker_killed_from_outside_is_replaced():
    assert _opened(pdf_probe.check_pdf(make_pdf(pages=1))) == (pdf_probe.OK, 1)
    for worker in list(pdf_probe._idle):
        worker.process.kill()
        worker.process.wait()
    assert _opened(pdf_probe.check_pdf(make_pdf(pages=2))) == (pdf_probe.OK, 2)
