"""Case summaries staff email: the recipient's contacts and consent, one rendering (subject,
text, HTML with CSS inlined, and a PDF) shown in the preview and sent through the outbox, and
the time-limited download page for recipients other than the patient. README "Case summaries".
"""
