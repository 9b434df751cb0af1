"""Regenerate templates/template.docx (the Word template a clerk edits) and templates/fonts.conf from scratch.

The template holds every style the Word builder uses, the portrait page set-up of the explanation
(first section) and the landscape set-up of the lists (last section), and the footer. Its body is a
sample built by the Word builder itself, so a clerk who opens it sees each style in use; the body is
replaced at every build. Run: .venv/bin/python scripts/make_docx_template.py
"""
from __future__ import annotations

import io
import math
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dutydocs.builders import BuildOptions  # noqa: E402
from dutydocs.builders.docx import render  # noqa: E402
from dutydocs.builders.docx_xml import normalized_zip  # noqa: E402
from dutydocs.fonts import ROLES  # noqa: E402
from dutydocs.model import (  # noqa: E402
    BasicItem, CooperativeItem, Document, Duties, DutyList, Entry, Explanation, Revision, Section,
    WithdrawnItem, LIST_TITLES,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MM = 1440 / 25.4  # twips per millimetre

TITLE, HEI, KAI, FANG, SONG = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "宋体"
LINE = 579  # 28.95 pt: 22 lines in the 225 mm text block of GB/T 9704


def tw(mm: float) -> int:
    return round(mm * MM)


def fonts(name: str) -> str:
    return (f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}" '
            f'w:hint="eastAsia"/>')


def para_style(style_id, name, based, ppr, rpr, outline=None, next_id=None):
    outline_xml = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="{based}"/><w:next w:val="{next_id or "Normal"}"/><w:qFormat/>'
            f'<w:pPr>{ppr}{outline_xml}</w:pPr><w:rPr>{rpr}{LANG}</w:rPr></w:style>')


LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
"""zh-CN on the text, so LibreOffice and WPS choose Simplified Chinese fallbacks (not the JP forms)."""


def size(pt: float) -> str:
    return f'<w:sz w:val="{round(pt * 2)}"/><w:szCs w:val="{round(pt * 2)}"/>'


BODY_PT = 16  # 三号: the size of Normal, from which Word and LibreOffice compute the grid's character pitch
TEXT_WIDTH = 11906 - tw(28) - tw(26)  # A4 less GB/T 9704's margins: 156 mm
PITCH = TEXT_WIDTH / 28  # twips: 28 characters a line on the character grid
GRID_WIDTH = '<w:w w:val="98"/>'
"""The body's glyphs at 98 % width: LibreOffice gives a character two grid cells when its advance is wider than
the pitch (15.79 pt, less than 三号's 16 pt), so a line held 14; at 98 % (15.68 pt) each takes one cell and a
line holds 28. Word sets every character on the pitch whatever its width, so the 2 % only narrows each glyph."""
FULL_WIDTH = '<w:w w:val="100"/>'
HANG_NOTHING = '<w:overflowPunct w:val="1"/>'
"""LibreOffice (7.4) reads w:overflowPunct inverted: val 0 turns its hanging punctuation on, so a 、 or ， ending
a full line hung in the margin or vanished. With val 1 it moves the last character down with the mark
instead; Word keeps its own default (val 1 is what Word writes when the element is absent)."""
CHAR_SPACE = math.floor((PITCH / 20 - BODY_PT) * 4096)
"""w:charSpace: Word's character pitch is Normal's size plus charSpace/4096 pt (ECMA-376 17.6.5), here -842."""
FIRST_LINE = '<w:ind w:firstLineChars="200" w:firstLine="630"/>'
"""Two grid cells. Word counts firstLineChars on the grid. LibreOffice takes firstLine and rounds it up to whole
cells of its own pitch, 315 twips (it reads charSpace to whole twips), so 640 twips (2 × 16 pt) made three."""
NO_GRID = '<w:snapToGrid w:val="0"/>'
NO_INDENT = '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
TABLE_LINE = '<w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="exact"/>'  # 18 pt

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
 <w:rPrDefault><w:rPr>{fonts(FANG)}<w:kern w:val="2"/>{size(16)}<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
 <w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>
 <w:pPr>{HANG_NOTHING}<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>{FIRST_LINE}<w:jc w:val="both"/></w:pPr>
 <w:rPr>{fonts(FANG)}{GRID_WIDTH}{size(BODY_PT)}{LANG}</w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>
 <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
{para_style("DocTitle", "公文标题", "Normal",
            f'<w:keepNext/>{NO_GRID}<w:spacing w:before="0" w:after="{LINE}" w:line="{round(LINE * 1.5)}" w:lineRule="exact"/>{NO_INDENT}<w:jc w:val="center"/>',
            fonts(TITLE) + FULL_WIDTH + size(22), outline=0)}
{para_style("ExplanationTitle", "说明标题", "Normal",
            f'<w:keepNext/>{NO_GRID}<w:spacing w:before="0" w:after="{LINE}" w:line="{LINE}" w:lineRule="exact"/>{NO_INDENT}<w:jc w:val="center"/>',
            fonts(HEI) + '<w:spacing w:val="320"/>' + FULL_WIDTH + size(16), outline=1)}
{para_style("Heading1CN", "一级标题", "Normal", '<w:keepNext/>', fonts(HEI), outline=2)}
{para_style("ListTitle", "清单标题", "Normal",
            f'<w:keepNext/><w:spacing w:before="0" w:after="240" w:line="{LINE}" w:lineRule="exact"/>{NO_INDENT}<w:jc w:val="center"/>',
            fonts(TITLE) + FULL_WIDTH + size(22), outline=0)}
{para_style("TableHead", "表头文字", "Normal", f'<w:keepNext/>{TABLE_LINE}{NO_INDENT}<w:jc w:val="center"/>',
            fonts(HEI) + FULL_WIDTH + size(12))}
{para_style("TableText", "表格文字", "Normal", f'<w:keepLines/>{TABLE_LINE}{NO_INDENT}<w:jc w:val="left"/>', fonts(FANG) + FULL_WIDTH + size(12),
            next_id="TableText")}
{para_style("TableCenter", "表格居中", "TableText", '<w:jc w:val="center"/>', "", next_id="TableCenter")}
{para_style("DutyHeading", "职责小标题", "TableText", "<w:keepNext/>", fonts(HEI), next_id="TableText")}
{para_style("SectionBreak", "分节段落", "Normal",
            f'<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>{NO_INDENT}', size(1))}
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
 <w:pPr><w:spacing w:line="240" w:lineRule="auto"/>{NO_INDENT}<w:jc w:val="center"/></w:pPr>
 <w:rPr>{fonts(SONG)}{FULL_WIDTH}{size(14)}{LANG}</w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
 <w:pPr><w:spacing w:line="240" w:lineRule="auto"/>{NO_INDENT}<w:jc w:val="center"/></w:pPr><w:rPr>{fonts(SONG)}{FULL_WIDTH}{size(10.5)}{LANG}</w:rPr></w:style>
<w:style w:type="table" w:customStyle="1" w:styleId="ListTable"><w:name w:val="清单表格"/><w:basedOn w:val="TableNormal"/><w:qFormat/>
 <w:tblPr><w:tblBorders>
  <w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>
  <w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>
  <w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>
 </w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>"""


def sect_pr(width, height, top, right, bottom, left, footer, landscape, refs="", grid=""):
    orient = ' w:orient="landscape"' if landscape else ""
    return (f'<w:sectPr>{refs}<w:type w:val="nextPage"/><w:pgSz w:w="{width}" w:h="{height}"{orient}/>'
            f'<w:pgMar w:top="{tw(top)}" w:right="{tw(right)}" w:bottom="{tw(bottom)}" w:left="{tw(left)}" '
            f'w:header="{tw(15)}" w:footer="{tw(footer)}" w:gutter="0"/><w:cols w:space="425"/>{grid}</w:sectPr>')


def document_grid() -> str:
    """Return the 说明's document grid: lines LINE apart (GB/T 9704: 22 a page) and 28 characters a line.

    linesAndChars, as Word's 页面设置 writes it for "指定行和字符网格". Only the 说明 has it: the titles set
    w:snapToGrid off, and the lists' landscape sections have no grid, so table text keeps its own size.
    """
    return f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE}" w:charSpace="{CHAR_SPACE}"/>'


A4_W, A4_H = 11906, 16838
PORTRAIT = sect_pr(A4_W, A4_H, 37, 26, 35, 28, 23, False, '<w:footerReference w:type="default" r:id="rIdFooter1"/>',
                   document_grid())
# The landscape text block is the portrait one turned: 225 × 156 mm.
LANDSCAPE = sect_pr(A4_H, A4_W, 28, 35, 26, 37, 14, True)

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>
<w:p><w:pPr><w:pStyle w:val="SectionBreak"/>{PORTRAIT}</w:pPr></w:p>
{LANDSCAPE}</w:body></w:document>"""

FOOTER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p></w:ftr>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/>
<w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>"""


def font_entry(name: str, alt: str, family: str, pitch: str = "variable") -> str:
    return (f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')


FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}">{font_entry(FANG, "仿宋", "modern", "fixed")}{font_entry(HEI, "SimHei", "modern", "fixed")}
{font_entry(TITLE, "宋体", "script")}{font_entry(KAI, "楷体", "modern", "fixed")}{font_entry(SONG, "SimSun", "auto")}</w:fonts>"""

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rIdFontTable" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
</Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>履职事项清单 Word 模板</dc:title><dc:creator>dutydocs</dc:creator><cp:revision>1</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>
</cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>dutydocs</Application></Properties>"""


def skeleton() -> bytes:
    """Return the bare template: styles, page set-up and footer, with an empty body."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": CORE, "docProps/app.xml": APP,
        "word/document.xml": DOCUMENT, "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/styles.xml": STYLES, "word/settings.xml": SETTINGS, "word/fontTable.xml": FONT_TABLE,
        "word/footer1.xml": FOOTER,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return normalized_zip(buffer.getvalue(), (2025, 1, 1, 0, 0, 0))


def P(text):  # noqa: N802
    return Entry("point", text)


def sample() -> Document:
    """Return the sample document shown in the template: it uses every style once."""
    explanation = Explanation("说明", (
        Section("一、这是 dutydocs 的 Word 模板", (
            "生成 Word 版时，本文件的正文会被清单内容替换，只保留样式、页面设置和页眉页脚。"
            "要改字体、字号、行距、缩进，请在“样式”窗格中修改对应样式（如“正文”“一级标题”“表格文字”），不要直接改选中的文字；"
            "要改页边距、纸张方向，请在“布局—页面设置”中修改：第一节（竖版）用于说明，"
            "第二、三、四节（横版）依次用于基本、配合、收回三张清单，表格列宽随版心宽度按比例缩放。"
            "页码的字体字号由样式“页脚”决定，页码格式（第 X 页，共 Y 页 或 — X —）在生成时选择。",
            "修改后直接保存为 .docx，下次生成即按新模板排版。",
        )),
        Section("二、样式示例", ("本段是正文（仿宋_GB2312，三号，每行 28 字、每页 22 行的文档网格）。上一行是一级标题（黑体，三号），"
                               "最上方是公文标题（方正小标宋简体，二号），其下是说明标题（黑体，三号，字间加宽）。",)),
    ))
    coop = Duties((Entry("heading", "一、职责小标题（黑体）"), P("要点按标题分块编号，编号由程序生成；"),
                   P("表格文字为仿宋_GB2312，小四。"), Entry("paragraph", "不编号的段落。")))
    lists = (
        DutyList("basic", LIST_TITLES["basic"], (BasicItem(1, "事项类别", "事项名称（表格文字）"),)),
        DutyList("cooperative", LIST_TITLES["cooperative"], (
            CooperativeItem(1, "事项类别", "事项名称", ("对应上级部门",), coop, coop),)),
        DutyList("withdrawn", LIST_TITLES["withdrawn"], (
            WithdrawnItem(1, "事项类别", "事项名称", department="承接部门", takeover="工作方式"),
            WithdrawnItem(2, "事项类别", "事项名称", note="说明（无承接部门时）"))),
    )
    return Document("履职事项清单 Word 模板", "dutydocs", Revision("2025-01-01"), explanation, lists)


def fontconfig_aliases() -> str:
    """Return a fontconfig file that maps each official font name to the free fonts of its role."""
    rules = []
    for chain in ROLES.values():
        for i, name in enumerate(chain[:-1]):
            accept = "".join(f"<family>{f}</family>" for f in chain[i + 1:])
            rules.append(f'  <alias binding="same"><family>{name}</family><accept>{accept}</accept></alias>')
    title = next(chain for role, chain in ROLES.items() if role.startswith("title"))
    for name in title[:-1]:  # 小标宋 is a heavy face: its free stand-in is taken in bold
        rules.append(f'  <match target="pattern"><test name="family"><string>{name}</string></test>'
                     '<edit name="weight" mode="assign"><const>bold</const></edit></match>')
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
            "<!-- dutydocs: show the official GB/T 9704 font names with free fonts where they are missing. -->\n"
            "<fontconfig>\n" + "\n".join(rules) + "\n</fontconfig>\n")


def main() -> None:
    templates = ROOT / "templates"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "template.docx").write_bytes(skeleton())
        data = render(sample(), BuildOptions(templates=Path(tmp)))
    (templates / "template.docx").write_bytes(data)
    (templates / "fonts.conf").write_text(fontconfig_aliases(), encoding="utf-8")
    print(f"已写入 {templates / 'template.docx'}（{len(data)} 字节）和 {templates / 'fonts.conf'}")


if __name__ == "__main__":
    main()
