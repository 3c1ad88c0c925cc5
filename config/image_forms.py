"""The form base of Wagtail's image upload (WAGTAILIMAGES_IMAGE_FORM_BASE): every upload of an
image, from the library, the multiple upload or a chooser, goes through it."""

from wagtail.images.forms import BaseImageForm

from .svg import SVGRefused, svg_check


def _looks_like_svg(upload) -> bool:
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".svg", ".svgz")):
        return True
    upload.seek(0)
    head = upload.read(512).lstrip()
    upload.seek(0)
    return head.startswith((b"<", b"\xef\xbb\xbf<"))


class SafeImageForm(BaseImageForm):
    """Refuses an SVG that could run or fetch anything (config.svg), whatever its name says."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "read") and _looks_like_svg(upload):
            upload.seek(0)
            data = upload.read()
            upload.seek(0)
            try:
                svg_check(data)
            except SVGRefused as error:
                from django.core.exceptions import ValidationError

                raise ValidationError(str(error), code="svg_refused") from error
        return upload
