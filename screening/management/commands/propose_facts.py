"""`manage.py propose_facts [--all]`: read the stored text of processed documents again and
store the facts proposed (documents processed before the extractor existed, or read by an
older extractor version). Idempotent: a proposal a person decided is never touched."""

from django.core.management.base import BaseCommand

from screening.documents.proposals import documents_to_read, propose_facts


class Command(BaseCommand):
    help = (
        "Propose facts from documents whose text was read but whose proposals are missing or "
        "from an older extractor (--all: every document with text)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="all_documents")

    def handle(self, *args, all_documents, **options):
        documents, proposals = 0, 0
        for document in documents_to_read(all_documents=all_documents).iterator(chunk_size=200):
            proposals += len(propose_facts(document))
            documents += 1
        self.stdout.write(f"{documents} document(s) read; {proposals} proposal(s) stored.")
