"""Write templates/house-style.docx: the house styles and the one legal multilevel list.

Run from the repository root: ``python tools/make_house_style.py``. The output is deterministic
(fixed part order and zip timestamps). A firm replacing the house style keeps the style ids listed
in ``assembler.housestyle.REQUIRED_STYLES``; names, fonts and indents are theirs to change.
"""

import sys
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def pstyle(sid, name, ppr="", rpr="", based="Normal", nxt=None):
    nx = f'<w:next w:val="{nxt}"/>' if nxt else ""
    return f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/><w:basedOn w:val="{based}"/>{nx}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'


def cstyle(sid, name, rpr):
    return f'<w:style w:type="character" w:styleId="{sid}"><w:name w:val="{name}"/><w:basedOn w:val="DefaultParagraphFont"/><w:rPr>{rpr}</w:rPr></w:style>'


def num(num_id, level):
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


styles = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
{pstyle("Title", "Title", '<w:spacing w:after="240"/><w:jc w:val="center"/>', '<w:b/><w:sz w:val="32"/><w:szCs w:val="32"/>')}
{pstyle("CoverCentred", "Cover Centred", '<w:jc w:val="center"/>')}
{pstyle("PartHeading", "Part Heading", '<w:keepNext/><w:spacing w:before="240"/>', "<w:b/><w:caps/>")}
{pstyle("PartyEntry", "Party Entry", num(2, 0) + '<w:ind w:left="720" w:hanging="720"/>')}
{pstyle("Recital", "Recital", num(3, 0) + '<w:ind w:left="720" w:hanging="720"/>')}
{pstyle("ClauseHeading", "Clause Heading", "<w:keepNext/>" + num(1, 0) + '<w:spacing w:before="240"/><w:outlineLvl w:val="0"/>', "<w:b/>", nxt="Clause2")}
{pstyle("Clause2", "Clause 2", num(1, 1))}
{pstyle("Clause3", "Clause 3", num(1, 2))}
{pstyle("Clause4", "Clause 4", num(1, 3))}
{pstyle("BodyText", "Body Text", '<w:ind w:left="720"/>')}
{pstyle("BodyText2", "Body Text 2", '<w:ind w:left="1440"/>')}
{pstyle("Definition", "Definition", '<w:ind w:left="720"/>')}
{pstyle("ListBullet", "List Bullet", num(4, 0) + '<w:ind w:left="1440" w:hanging="360"/>')}
{pstyle("ScheduleHeading", "Schedule Heading", '<w:keepNext/><w:pageBreakBefore/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>', "<w:b/>")}
{pstyle("ScheduleTitle", "Schedule Title", '<w:keepNext/><w:spacing w:after="240"/><w:jc w:val="center"/>', "<w:b/>")}
{pstyle("SchedulePart", "Schedule Part", '<w:keepNext/><w:spacing w:before="240"/><w:jc w:val="center"/>', "<w:b/>")}
{pstyle("ScheduleClause1", "Schedule Clause 1", '<w:keepNext/><w:ind w:left="720" w:hanging="720"/>', "<w:b/>")}
{pstyle("ExecutionBlock", "Execution Block", "<w:keepNext/><w:keepLines/>")}
{pstyle("TOCHeading", "TOC Heading", '<w:spacing w:after="240"/>', "<w:b/>")}
{pstyle("TOC1", "toc 1", '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9026"/></w:tabs><w:ind w:left="720" w:hanging="720"/>')}
{pstyle("TOC2", "toc 2", '<w:ind w:left="720"/>')}
{pstyle("Header", "header", '<w:tabs><w:tab w:val="center" w:pos="4513"/><w:tab w:val="right" w:pos="9026"/></w:tabs>')}
{pstyle("Footer", "footer", '<w:jc w:val="center"/>')}
{pstyle("CommentText", "annotation text", "", '<w:sz w:val="20"/><w:szCs w:val="20"/>')}
{cstyle("Placeholder", "Placeholder", '<w:shd w:val="clear" w:color="auto" w:fill="FFFF00"/>')}
{cstyle("MissingValue", "Missing Value", '<w:b/><w:shd w:val="clear" w:color="auto" w:fill="FF9999"/>')}
{cstyle("DefinedTerm", "Defined Term", "<w:b/>")}
{cstyle("CommentReference", "annotation reference", '<w:sz w:val="16"/><w:szCs w:val="16"/>')}
{cstyle("Hyperlink", "Hyperlink", '<w:color w:val="0563C1"/><w:u w:val="single"/>')}
</w:styles>'''


def lvl(i, fmt, text, left, hang=720, pstyle=None):
    ps = f'<w:pStyle w:val="{pstyle}"/>' if pstyle else ""
    return f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{ps}<w:suff w:val="tab"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="{hang}"/></w:pPr></w:lvl>'


legal = "".join(
    [
        lvl(0, "decimal", "%1.", 720, pstyle="ClauseHeading"),
        lvl(1, "decimal", "%1.%2", 720, pstyle="Clause2"),
        lvl(2, "lowerLetter", "(%3)", 1440, pstyle="Clause3"),
        lvl(3, "lowerRoman", "(%4)", 2160, pstyle="Clause4"),
        lvl(4, "upperLetter", "(%5)", 2880),
        lvl(5, "upperRoman", "(%6)", 3600),
        lvl(6, "decimal", "%7.", 4320),
        lvl(7, "decimal", "%8.", 5040),
        lvl(8, "decimal", "%9.", 5760),
    ]
)
numbering = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:nsid w:val="1A2B3C01"/><w:multiLevelType w:val="multilevel"/>{legal}</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:nsid w:val="1A2B3C02"/><w:multiLevelType w:val="singleLevel"/>{lvl(0, "decimal", "(%1)", 720, pstyle="PartyEntry")}</w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:nsid w:val="1A2B3C03"/><w:multiLevelType w:val="singleLevel"/>{lvl(0, "upperLetter", "(%1)", 720, pstyle="Recital")}</w:abstractNum>
<w:abstractNum w:abstractNumId="3"><w:nsid w:val="1A2B3C04"/><w:multiLevelType w:val="singleLevel"/>{lvl(0, "bullet", "•", 1440, 360, pstyle="ListBullet")}</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num><w:num w:numId="4"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>'''
settings = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="en-GB"/></w:settings>'''
fonts = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W}"><w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>'''
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def clr(n, v):
    return f'<a:{n}><a:srgbClr val="{v}"/></a:{n}>'


theme = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="{A}" name="House"><a:themeElements><a:clrScheme name="House"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>{clr("dk2", "1F497D")}{clr("lt2", "EEECE1")}{clr("accent1", "4F81BD")}{clr("accent2", "C0504D")}{clr("accent3", "9BBB59")}{clr("accent4", "8064A2")}{clr("accent5", "4BACC6")}{clr("accent6", "F79646")}{clr("hlink", "0563C1")}{clr("folHlink", "954F72")}</a:clrScheme><a:fontScheme name="House"><a:majorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="House"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="25400"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="38100"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>'''
doc = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body><w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>House style</w:t></w:r></w:p><w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>'''
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
types = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="{CT}.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="{CT}.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="{CT}.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="{CT}.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="{CT}.fontTable+xml"/><Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/></Types>'''
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
rels = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/></Relationships>'''
drels = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{R}/styles" Target="styles.xml"/><Relationship Id="rId2" Type="{R}/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="{R}/settings" Target="settings.xml"/><Relationship Id="rId4" Type="{R}/fontTable" Target="fontTable.xml"/><Relationship Id="rId5" Type="{R}/theme" Target="theme/theme1.xml"/></Relationships>'''
parts = [
    ("[Content_Types].xml", types),
    ("_rels/.rels", rels),
    ("word/document.xml", doc),
    ("word/_rels/document.xml.rels", drels),
    ("word/styles.xml", styles),
    ("word/numbering.xml", numbering),
    ("word/settings.xml", settings),
    ("word/fontTable.xml", fonts),
    ("word/theme/theme1.xml", theme),
]
target = sys.argv[1] if len(sys.argv) > 1 else "templates/house-style.docx"
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for n, d in parts:
        i = zipfile.ZipInfo(n, (1980, 1, 1, 0, 0, 0))
        i.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(i, d.encode())
print("ok")
