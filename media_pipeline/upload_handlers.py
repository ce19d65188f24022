"""An upload handler that stops streaming a request as soon as one file passes its limit."""

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Stream each file to a temporary file; give up on the request once a file is too big.

    After parsing, ``too_large`` tells the view to answer 413. Django closes (and so
    deletes) the temporary files of a stopped upload.
    """

    def __init__(self, request, max_file_bytes: int):
        super().__init__(request)
        self.max_file_bytes = max_file_bytes
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_file_bytes:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
