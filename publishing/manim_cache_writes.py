"""Manim's text and LaTeX caches written whole or not at all, and the file a failed render
could not read (issue 28), as patches publishing.manim_cli applies in the scene process.

Manim 0.22 writes a Text's SVG (Pango, in C: manimpango.text2svg), a Tex's .tex, .dvi and
.svg (LaTeX and dvisvgm, into Tex/) in place, and reuses any file that exists without reading
it: a render killed mid-write left a cut-off file that failed every later run. Here each is
made under a scratch name (or in a private build folder) and renamed into place once whole
(`files.whole_or_absent`). The styled copy of an SVG that Manim writes beside it to parse
gets a name of this process's own: two renders sharing the caches (a Dask twin) never read,
or remove, each other's.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import manimpango
import svgelements as se
from manim import config, logger
from manim.constants import RIGHT
from manim.mobject.svg.svg_mobject import SVGMobject
from manim.mobject.text import tex_mobject
from manim.utils import tex_file_writing
from manim.utils.tex import TexTemplate

from common.files import whole_or_absent
from common.scratch import partial_path
from publishing.manim_caches import TEX_FOLDER, TEXT_FOLDER, remove_unreadable

MANIMPANGO_TEXT2SVG = manimpango.text2svg
MANIMPANGO_MARKUP_TEXT2SVG = manimpango.MarkupUtils.text2svg
FAULT_ATTRIBUTE = "manim_cli_file_at_fault"


def blame(error: BaseException, path: Path | str) -> BaseException:
    """Mark the error with the file it could not read (the first file named stays)."""
    if getattr(error, FAULT_ATTRIBUTE, None) is None:
        setattr(error, FAULT_ATTRIBUTE, str(path))
    return error


def text2svg(settings, size, line_spacing, disable_liga, file_name: str, *args, **kwargs) -> str:
    """manimpango.text2svg (a Text's SVG, written by Cairo in C), writing a name of this
    process's own and renaming it to `file_name` once Cairo has closed it."""
    with whole_or_absent(Path(file_name)) as partial:
        MANIMPANGO_TEXT2SVG(
            settings, size, line_spacing, disable_liga, str(partial), *args, **kwargs
        )
    return file_name


def markup_text2svg(
    text, font, slant, weight, size, spacing, disable_liga, file_name: str, *args, **kwargs
) -> str:
    """MarkupUtils.text2svg (a MarkupText's SVG), written whole like `text2svg`."""
    with whole_or_absent(Path(file_name)) as partial:
        MANIMPANGO_MARKUP_TEXT2SVG(
            text, font, slant, weight, size, spacing, disable_liga, str(partial), *args, **kwargs
        )
    return file_name


def generate_mobject(self: SVGMobject) -> SVGMobject:
    """Manim's SVGMobject.generate_mobject, with its styled copy of the SVG written under a
    name of this process's own (Manim's `<name>_.svg` was shared by every process reading
    the same cache, and one removed it under another), and a file that does not parse
    named in the error."""
    file_path = self.get_file_path()
    try:
        element_tree = ET.parse(file_path)
    except ET.ParseError as error:
        blame(error, file_path)
        raise
    new_tree = self.modify_xml_tree(element_tree)
    modified_file_path = partial_path(file_path.with_name(f"{file_path.stem}_{file_path.suffix}"))
    try:
        new_tree.write(modified_file_path)
        try:
            svg = se.SVG.parse(modified_file_path)
        except Exception as error:
            blame(error, file_path)
            raise
    finally:
        modified_file_path.unlink(missing_ok=True)
    mobjects, mobject_dict = self.get_mobjects_from(svg)
    self.add(*mobjects)
    self.id_to_vgroup_dict = mobject_dict
    self.flip(RIGHT)  # Flip y
    return self


def tex_file(expression: str, environment: str | None, tex_template: TexTemplate) -> Path:
    """Manim's generate_tex_file, writing the .tex whole or not at all."""
    if environment is not None:
        output = tex_template.get_texcode_for_expression_in_env(expression, environment)
    else:
        output = tex_template.get_texcode_for_expression(expression)
    tex_dir = config.get_dir("tex_dir")
    tex_dir.mkdir(parents=True, exist_ok=True)
    result = tex_dir / (tex_file_writing.tex_hash(output) + ".tex")
    if not result.exists():
        logger.info(
            "Writing %(expression)s to %(path)s", {"expression": expression, "path": f"{result}"}
        )
        with whole_or_absent(result) as partial:
            partial.write_text(output, encoding="utf-8")
    return result


def tex_to_svg_file(
    expression: str, environment: str | None = None, tex_template: TexTemplate | None = None
) -> Path:
    """Manim's tex_to_svg_file, with LaTeX and dvisvgm run in a folder of this process's own
    (under the media folder, the attempt's) and only whole results renamed into Tex/: a
    killed compile leaves no cut-off .dvi or .svg there for the next run to trust, and a
    twin's clean-up of Tex/ cannot remove a .dvi this one is converting. The .svg (and the
    .dvi, with --no_latex_cleanup) are Manim's; the build's other files go with its folder."""
    if tex_template is None:
        tex_template = config["tex_template"]
    tex = tex_file(expression, environment, tex_template)
    svg = tex.with_suffix(".svg")
    if svg.exists():
        return svg
    media = config.get_dir("media_dir")
    media.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".tex-build-", dir=media))
    try:
        dvi = compiled_tex(tex, tex_template, build)
        built = build / svg.name
        command = [
            "dvisvgm",
            *(["--pdf"] if tex_template.output_format == ".pdf" else []),
            "--page=1",
            "--no-fonts",
            "--verbosity=0",
            f"--output={built.as_posix()}",
            f"{dvi.as_posix()}",
        ]
        subprocess.run(command, stdout=subprocess.DEVNULL)
        if not built.exists():
            raise blame(
                ValueError(
                    f"dvisvgm could not convert {dvi} to SVG (Manim asks for dvisvgm 2.4 or later)"
                ),
                dvi,
            )
        install(built, svg)
        if config["no_latex_cleanup"] and dvi.parent == build:
            install(dvi, tex.with_suffix(dvi.suffix))
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return svg


def compiled_tex(tex: Path, tex_template: TexTemplate, build: Path) -> Path:
    """The .dvi (or .xdv, .pdf) of `tex`: Manim's kept one when whole, else compiled into
    `build`. A failed compile's log is kept in Tex/ beside the .tex, and named."""
    output_format = tex_template.output_format
    kept = tex.with_suffix(output_format)
    if kept.exists():
        return kept
    compilers = tex_template.tex_compiler
    for compiler in [compilers] if isinstance(compilers, str) else compilers:
        command = tex_file_writing.make_tex_compilation_command(compiler, output_format, tex, build)
        if subprocess.run(command, stdout=subprocess.DEVNULL).returncode != 0:
            log = tex.with_suffix(".log")
            if (build / log.name).exists():
                install(build / log.name, log)
            tex_file_writing.print_all_tex_errors(log, compiler, tex)
            raise blame(
                ValueError(f"{compiler} error converting to {output_format[1:]}; see {log}"), tex
            )
    return build / kept.name


def install(built: Path, destination: Path) -> None:
    """Copy a file built in scratch to its place, whole or not at all."""
    with whole_or_absent(destination) as partial:
        shutil.copyfile(built, partial)


def file_at_fault(error: BaseException | None) -> tuple[str, BaseException] | None:
    """The file a failure could not read, with the error that says so: one marked by
    `blame`, else an OSError's file (a path, not a program's name), along the chain of
    causes."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        marked = getattr(error, FAULT_ATTRIBUTE, None)
        if marked:
            return marked, error
        if isinstance(error, OSError) and error.filename and "/" in str(error.filename):
            return str(error.filename), error
        error = error.__cause__ or error.__context__
    return None


def shared_caches(folder: Path, say: Callable[[str], None]) -> None:
    """Keep Manim's text and LaTeX caches in `folder` (not under --media_dir), and remove
    the unreadable ones there before Manim trusts them."""
    config.text_dir = str(folder / TEXT_FOLDER)
    config.tex_dir = str(folder / TEX_FOLDER)
    remove_unreadable(folder, say)


def write_caches_whole() -> None:
    """Patch Manim's cache writers (see the module's doc)."""
    manimpango.text2svg = text2svg
    manimpango.MarkupUtils.text2svg = staticmethod(markup_text2svg)
    SVGMobject.generate_mobject = generate_mobject
    tex_file_writing.generate_tex_file = tex_file
    tex_file_writing.tex_to_svg_file = tex_to_svg_file
    tex_mobject.tex_to_svg_file = tex_to_svg_file
