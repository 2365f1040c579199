"""The one catalogue of user-facing Chinese messages, keyed by code.

Each entry is (what is wrong, how to fix it). Tests build their expected
messages from the same templates, so wording changes in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

# One wording for each way a single answer can be wrong. The validator (YZ-DATA-004/009/010, YZ-YAML-011),
# the XLSForm's constraint messages and the offline web form (through the data generated into its page)
# all say these; the web form fills in {placeholders} the same way.
FIELD: dict[str, str] = {
    "phone": "电话号码格式不对",
    # No real-looking number here: the web form and the XLSForm publish it, and the privacy gate would stop.
    "phone_fix": "请填写11位手机号，或带区号的固定电话（区号-号码，如 0XXX-XXXXXXX）",
    "id_number": "不是有效的身份证号",
    "id_number_fix": "请核对18位身份证号；最后一位是校验码（数字或X）",
    "id_old": "这是停用的15位旧号码，请换成18位身份证号",
    "id_length": "应为18位，实际 {length} 位",
    "id_characters": "前17位应为数字，最后一位为数字或X",
    "id_birth": "出生日期 {birth} 不存在",
    "id_check": "校验码不对（可能有数字录错）",
    "date": "请按 2026-11-20 的格式填写日期",
    "integer": "请填写整数，不要带单位或小数点",
    "number": "请填写数字，不要带单位（如“元”“万元”）",
    "minimum": "不能小于 {minimum}",
    "maximum": "不能大于 {maximum}",
    "not_before": "不能早于「{title}」",
    "min_length": "至少 {count} 个字",
    "max_length": "最多 {count} 个字",
    "required": "请填写「{title}」",
    "choice": "请从选项中选择",
    "pattern": "格式不对",
}


def field_text(kind: str, **values: object) -> str:
    """The one wording of a field-level message, with its values filled in."""
    return FIELD[kind].format(**values)


def field_sentence(kind: str) -> str:
    """What is wrong and how to fix it in one sentence (XLSForm constraint messages, the web form)."""
    fix = FIELD.get(f"{kind}_fix")
    return f"{FIELD[kind]}：{fix}" if fix else FIELD[kind]


CATALOGUE: dict[str, tuple[str, str]] = {
    # files
    "YZ-FILE-001": ("找不到文件", "请确认文件名和位置，或用 yizhan init 新建项目"),
    "YZ-FILE-002": (
        "无法识别文件编码",
        "请在 WPS/Excel 中“另存为”CSV（UTF-8）或 Excel 工作簿（.xlsx）",
    ),
    "YZ-FILE-003": (
        "无法读取这个 Excel 文件（文件已损坏、加了密码，或实际不是 Excel 格式）",
        "请用 WPS/Excel 打开，去掉密码后“另存为” Excel 工作簿（.xlsx）",
    ),
    "YZ-FILE-004": ("文件是空的", "请填写表头（第1行）和数据"),
    "YZ-TEXT-001": ("文件不是 UTF-8 编码", "请用记事本打开该文件，“另存为”时把编码选为 UTF-8"),
    # the data package (datasets/datapackage.json and its schemas)
    "YZ-PKG-001": ("JSON 格式错误：{detail}", "请检查该行附近的逗号、引号和括号（可对照示例县的同名文件）"),
    "YZ-PKG-002": (
        "数据包描述不完整：{detail}",
        "请对照示例县的 datasets/datapackage.json 和 datasets/schemas/ 补全",
    ),
    "YZ-FILE-005": (
        "前 {rows} 行里找不到表头（应含「{titles}」等列标题）",
        "请确认这是本表的文件，列标题与表格下载页的模板一致；不要把列标题改名",
    ),
    "YZ-FILE-006": (
        "有几个工作表都有本表的列标题：{sheets}，不知道该读哪一个",
        "请把要发布的工作表改名为「{table}」，或删去其他工作表",
    ),
    "YZ-FILE-007": (
        "本表的列标题只在隐藏的工作表{sheets}里；隐藏的工作表不会被读取",
        "请在 WPS/Excel 中右键工作表标签 →“取消隐藏”，核对内容后保存；不用的旧表请删去",
    ),
    "YZ-FILE-008": (
        "同一张表有 {count} 个文件：{files}，不知道该读哪一个",
        "请只保留一个（删去或移走其他文件），以免发布的不是你修改过的那个",
    ),
    "YZ-FILE-009": (
        "WPS 表格格式（.et）无法读取",
        "请在 WPS 中“文件 → 另存为”，文件类型选 Excel 工作簿（.xlsx），再删去 .et 文件",
    ),
    # yaml
    "YZ-YAML-001": ("YAML 格式错误：{detail}", "请检查该行的缩进、冒号和引号"),
    "YZ-YAML-002": ("缺少必填项「{title}」（{key}）", "请添加 {key}: 并填写{title}"),
    "YZ-YAML-003": ("「{title}」（{key}）应为{expected}", "请按 content/README.md 的说明填写"),
    "YZ-YAML-004": ("「{title}」（{key}）的值 {value} 不在可选范围内", "请填写以下之一：{choices}"),
    "YZ-YAML-005": ("「{title}」（{key}）不能为空", "请填写{title}"),
    "YZ-YAML-006": ("未知的项 {key}", "请检查拼写；可用的项见 content/README.md"),
    "YZ-YAML-007": (
        "政策编号 {value} 与文件名 {stem} 不一致",
        "请把 id 改为 {stem}，或把文件改名为 {value}.yml",
    ),
    "YZ-YAML-008": (
        "各步骤时限之和 {total} 个工作日超过了办结时限 {limit} 个工作日",
        "请调整步骤时限或把 time_limit_days 改为不少于 {total}",
    ),
    "YZ-YAML-009": ("政策编号 {value} 重复（另见 {other}）", "每项政策的 id 必须唯一"),
    "YZ-YAML-010": ("引用的表格 {value} 不存在", "请在 forms/ 下添加 {value}.yml，或删去该引用"),
    "YZ-YAML-011": ('"{value}" ' + FIELD["phone"], FIELD["phone_fix"]),
    "YZ-YAML-012": ("日期 {value} 格式不对", "请按 2026-11-20 的格式填写"),
    "YZ-YAML-013": (
        "用了锚点或别名（{mark}），政策和表格文件中不需要它们",
        "请把要重复的内容直接写出来；如果文字本身以 & 或 * 开头，请给整段文字加引号",
    ),
    "YZ-YAML-014": ("嵌套超过 {limit} 层", "请检查缩进是否多缩了，或把内容拆成更简单的列表"),
    "YZ-YAML-015": (
        "文件有 {size} KB，超过上限 {limit} KB",
        "请确认这是政策或表格文件；过长的内容请拆成几个文件",
    ),
    # policy aliases and 政策找人 conditions (content/policies/*.yml)
    "YZ-FIND-001": (
        "群众叫法「{value}」有 {length} 个字，太长了（最多 {limit} 个字）",
        "请只写群众口头的叫法（如 尊老金、孤寡老人），整句话写进常见问题",
    ),
    "YZ-FIND-002": (
        "群众叫法「{value}」已经是 {other} 的名称或叫法",
        "一个叫法只能指一项政策，请删去其中一处，或写得更具体些",
    ),
    "YZ-FIND-003": (
        "年龄条件不对：{detail}",
        "请填写 0 到 {limit} 之间的整数周岁，min 不大于 max（如 age: {{min: 80}}）",
    ),
    "YZ-FIND-004": (
        "第 {index} 组政策找人条件是空的",
        "请写至少一项条件（如 income: 低保标准以下），或删去这一组",
    ),
    "YZ-YAML-016": (
        "{title} {value} 不能用作文件名",
        "请只用英文字母（政策编号和表格代码用小写）、数字和连字符（-），以字母或数字开头和结尾，不超过 {limit} 个字符，"
        "也不能是 con、prn、aux、nul、com1、lpt1 这类 Windows 保留名",
    ),
    # output folder
    "YZ-OUT-001": ("输出目录（--out）是空的", "请写出目录名，例如 --out build"),
    "YZ-OUT-002": (
        "输出目录 {out} 是项目目录 {root} 本身或包含它，生成时会动到县里的数据",
        "请用默认的 build，或项目以外的一个新目录",
    ),
    "YZ-OUT-003": (
        "输出目录 {out} 在项目目录 {root} 里面",
        "项目里只能用默认的 build 目录；其他位置请选项目以外的新目录",
    ),
    "YZ-OUT-004": ("{out} 不是普通文件夹（是文件或链接）", "请换一个新的目录名"),
    "YZ-OUT-005": (
        "输出目录 {out} 里已有文件，但不是 yizhan 生成的（没有标记文件 {marker}）",
        "yizhan 不会删除或混入别人的文件：请换一个新的或空的目录",
    ),
    "YZ-OUT-006": (
        "输出目录 {out} 里有 {count} 个不是 yizhan 生成的文件：{files}",
        "yizhan 不会删除或覆盖它们：请把这些文件移到输出目录以外后重试",
    ),
    "YZ-OUT-007": (
        "另一个 yizhan 正在生成 {out}（进程号 {pid}）",
        "请等它完成后再试；两次生成不能同时写同一个输出目录",
    ),
    "YZ-OUT-008": (
        "要写出的文件 {path} 会落到输出目录以外",
        "请检查政策编号、表格代码和驿站编号：只能用英文字母、数字和连字符",
    ),
    "YZ-OUT-009": (
        "网页中有 {scheme} 链接「{url}」，不是 yizhan 生成的，可能来自数据或政策文字中的 [文字](链接) 写法",
        "请在数据和 content/ 中查找并删去这个链接",
    ),
    "YZ-OUT-011": (
        "{path} 打不开，无法检查其中有没有个人信息",
        "请删除输出目录中的这个文件后重新完整生成",
    ),
    "YZ-OUT-010": (
        "救助对象公示页 {page} {problem}",
        "公示名单不能被搜索引擎和站内搜索收录：请检查 site_templates 中该页的模板是否改动过",
    ),
    # tables
    "YZ-DATA-001": ("缺少列「{title}」", "请在第1行添加列标题「{title}」（注意不要有错别字）"),
    "YZ-DATA-002": ("多出的列「{title}」将被忽略", "如果是拼写错误，请改为正确的列标题"),
    "YZ-DATA-003": ("「{title}」不能为空", "请填写{title}"),
    "YZ-DATA-004": ('"{value}" 不是有效的{type_name}', "{fix}"),
    "YZ-DATA-005": ('"{value}" 不在可选值中', "请填写以下之一：{choices}"),
    "YZ-DATA-006": ('"{value}" 格式不对', "{fix}"),
    "YZ-DATA-007": ('"{value}" ' + FIELD["minimum"], "请填写不小于 {minimum} 的数"),
    "YZ-DATA-008": ('"{value}" 与第{other}行重复', "{title}必须唯一，请核对后修改其中一行"),
    "YZ-DATA-009": ('"{value}" ' + FIELD["id_number"] + "：{reason}", FIELD["id_number_fix"]),
    "YZ-DATA-010": ('"{value}" ' + FIELD["phone"], FIELD["phone_fix"]),
    "YZ-DATA-011": ('"{value}" ' + FIELD["maximum"], "请填写不大于 {maximum} 的数"),
    "YZ-DATA-012": ("本行比表头多出 {count} 个单元格", "请删除多余的内容，或补上缺少的列标题"),
    "YZ-DATA-013": ("{count} 行有同样的问题（第{rows}行等），如第{first}行：{example}", "{fix}"),
    "YZ-DATA-014": (
        '"{value}" 是 Excel 把身份证号当成数字存下的（后几位已丢失，即使校验码碰巧对上也不可信）',
        "请把该列单元格格式设为“文本”后重新录入，或从原业务系统重新复制；不要只改格式，丢失的数字回不来",
    ),
    "YZ-DATA-015": (
        '"{value}" 像是开头的 0 被 Excel 去掉了的电话号码',
        "请把该列单元格格式设为“文本”，补上开头的 0（如 {fixed}）",
    ),
    "YZ-DATA-016": (
        "列标题「{title}」出现了两次（{first}列和{second}列）",
        "请删去其中一列，或改正列标题；在此之前两列都不会被读取",
    ),
    "YZ-DATA-017": ("第{rows}行是合计/小计行，已跳过，不作为数据读取", "合计由 yizhan 自己统计，无需处理"),
    # what was read differently from how it was typed
    "YZ-NOTE-001": ("表头在第{row}行：跳过了上方 {count} 行（{text}）", "无需处理"),
    "YZ-NOTE-002": ("读取的是工作表「{sheet}」", "其他工作表（{others}）没有读取"),
    "YZ-NOTE-003": (
        "{count} 个值已按标准写法读取：{what}（如 {before} → {after}）",
        "无需处理；想让表格与发布的一致，可在表格中照此修改",
    ),
    # domain rules
    "YZ-RULE-001": (
        '所属乡镇 "{value}" 在驿站名录中没有乡镇级驿站',
        "请先在驿站名录中添加该乡镇，或改为已有的乡镇名称",
    ),
    "YZ-RULE-002": (
        '所属村 "{value}" 在{township}没有村级驿站',
        "请先在驿站名录中添加该村，或核对乡镇和村的名称",
    ),
    "YZ-RULE-003": ('驿站编号 "{value}" 在驿站名录中不存在', "请填写驿站名录中已有的驿站编号"),
    "YZ-RULE-004": ('政策编号 "{value}" 不存在', "请填写 content/policies/ 中已有的政策编号"),
    "YZ-RULE-005": (
        "已拨付 {paid} 万元超过了计划投资 {planned} 万元",
        "请核对拨付金额；如确有追加投资，请同时修改计划投资",
    ),
    "YZ-RULE-006": ("{later_title} {later} 早于{earlier_title} {earlier}", "请核对两个日期"),
    "YZ-RULE-007": ('层级为"{level}"的驿站应填写「{title}」', "请填写{title}"),
    "YZ-RULE-008": (
        '驿站编号 "{value}" 与上级驿站 {parent} 不对应',
        "下级驿站的编号应以上级驿站编号开头，如 {parent}-01",
    ),
    "YZ-RULE-009": ('状态为"{status}"时应填写「{title}」', "请填写{title}，或修改状态"),
    "YZ-RULE-010": ('状态为"{status}"时「{title}」应为空', "请删除{title}，或修改状态"),
    "YZ-RULE-011": (
        "{title} {value} 晚于版次日期 {edition}",
        "请核对日期，或修改 content/county.yml 中的 edition",
    ),
    "YZ-RULE-012": (
        "办结期限落在 {years} 年，程序内置的国家法定节假日和调休安排还没有这一年，暂按周一至周五计算工作日",
        "国务院办公厅发布该年放假安排后，在 content/county.yml 的 workdays 下逐日填写 holidays（放假日期）和 workdays（调休上班日期）",
    ),
    # the four loops: 走访 → 转办, 回访 → 意见建议, 监督 → 项目, 问题整改台账 (挂账销号)
    "YZ-LOOP-001": (
        '转办编号 "{value}" 在申请受理登记和意见建议中都没有',
        "请填写转办后登记的申请受理编号（如 SQ202611-0001）或意见建议编号（如 YJ202611-0001）",
    ),
    "YZ-LOOP-002": (
        '问题编号 "{value}" 在问题整改台账中没有',
        "请先在问题整改台账中登记这个问题，再填写它的问题编号",
    ),
    "YZ-LOOP-003": ('意见建议登记编号 "{value}" 在意见建议中没有', "请填写意见建议中已有的编号"),
    "YZ-LOOP-004": (
        '意见建议 {value} 的办理状态是"{status}"，还没有办结，不能回访',
        "办结后再回访；已经办结的，请先在意见建议中改为{done}并填写办结日期",
    ),
    "YZ-LOOP-005": (
        '项目编号 "{value}" 在民生工程项目中没有',
        "请填写民生工程项目中已有的项目编号（见项目公示牌）",
    ),
    "YZ-LOOP-006": (
        '状态为"{status}"，但没有填写「{title}」',
        "销号须写明{title}；还没有整改到位的，请把状态改为整改中",
    ),
    "YZ-LOOP-007": (
        '填写了销号日期 {value}，但状态是"{status}"',
        "已整改到位的，请把状态改为{done}；还没有销号的，请删除销号日期",
    ),
    # form definitions (forms/*.yml) and collected data
    "YZ-FORM-001": ("未知的项 {key}", "请检查拼写；可用的项见 forms/README.md"),
    "YZ-FORM-002": ("缺少「{title}」（{key}）", "请添加 {key}: 并填写{title}"),
    "YZ-FORM-003": ("栏目类型 {value} 不存在", "请填写以下之一：{choices}"),
    "YZ-FORM-004": ("栏目代码 {value} 重复（第{other}行已用过）", "同一张表里每个栏目的 key 必须不同"),
    "YZ-FORM-005": ("显示条件 {value} 写法不对", "请写成 when: {{field: 前面栏目的key, equals: 选项}}"),
    "YZ-FORM-006": ("选择题「{label}」没有选项", "请在 choices: 下逐行列出选项"),
    "YZ-FORM-007": (
        "表格代码 {value} 与文件名 {stem} 不一致",
        "请把 code 改为 {stem}，或把文件改名为 {value}.yml",
    ),
    "YZ-FORM-008": ("数据集 {value} 不存在", "请填写以下之一：{choices}；不进入数据集的表格请删去 dataset"),
    "YZ-FORM-009": (
        "显示条件引用的栏目 {value} 不存在（或在本栏之后）",
        "条件只能引用本栏之前的选择题或是否题",
    ),
    "YZ-FORM-010": ("公开类别 {value} 不存在", "请填写以下之一：{choices}"),
    "YZ-FORM-011": ("格式规则 {value} 不是有效的正则表达式", "请检查括号和转义符，或删去 pattern"),
    "YZ-FORM-012": ("重复表格「{label}」没有列", "请在 columns: 下列出表格的各列"),
    "YZ-FORM-013": (
        "显示条件引用的栏目 {value} 不是选择题或是否题",
        "条件只能引用选择题（choice/multi）或是否题（yesno）",
    ),
    "YZ-FORM-014": ("显示条件的值 {value} 不是栏目 {field} 的选项", "请填写以下之一：{choices}"),
    "YZ-FORM-015": ("栏目代码 {value} 写法不对", "请只用小写英文字母、数字和下划线，并以字母开头"),
    "YZ-FORM-016": ("栏目 {value} 不是数据集「{dataset}」的列", "请改用数据集 schema 中的 key，或删去该栏目"),
    "YZ-FORM-017": ("缺少数据集「{dataset}」的必填列「{title}」（{key}）", "请添加 key 为 {key} 的栏目"),
    "YZ-FORM-018": ("公开类别 {value} 与数据集中「{title}」的 {expected} 不一致", "请改为 {expected}"),
    "YZ-FORM-020": ("找不到表格 {value}", "请填写 forms/ 下已有的表格代码：{choices}"),
    "YZ-FORM-021": ("表格 {value} 不进入任何数据集，无法导入", "请在表格定义中填写 dataset，或导入其他表格"),
    "YZ-FORM-022": (
        "不认识的列「{title}」",
        "请使用网页表格导出的文件、按数据集列标题填写的表格或 Kobo/ODK 导出文件",
    ),
    "YZ-FORM-023": (
        "{count} 行有错误，没有写入任何数据",
        "请改正后重新导入；或加 --skip-invalid 只导入正确的行",
    ),
    "YZ-FORM-024": ("导入 {added} 行，跳过已有的重复行 {duplicates} 行", "原文件已备份为 {backup}"),
    "YZ-FORM-025": ("{count} 行有错误，已另存到 {rejects}", "请改正这些行后重新导入"),
    "YZ-FORM-026": ("没有新的数据：{duplicates} 行都已在数据集中", "无需再次导入"),
    "YZ-FORM-027": ('"{value}" 不是「{title}」的选项', "请填写以下之一：{choices}"),
    "YZ-FORM-028": ('"{value}" 不符合「{title}」的格式', "{fix}"),
    "YZ-FORM-029": ('"{value}" 的长度不对', "「{title}」应为 {limits} 个字"),
    "YZ-FORM-030": ("{source} 第{row}行「{title}」：{old} → {new}", "服务器上修改过的提交已更新到这一行"),
    "YZ-FORM-031": (
        "{tool} 中审核为「{state}」的提交 {count} 份没有导入（{rows}）",
        "如需导入，请先在 {tool} 中改变审核状态后重新导出",
    ),
    "YZ-FORM-032": (
        "{source} 第{row}行在 {tool} 中审核为「{state}」，已导入并在「审核标记」中标为 {flag}",
        "请核实后清空数据集中这一行的「审核标记」",
    ),
    "YZ-FORM-033": (
        "提交编号 {value} 在本次导入中出现了两次，内容不同（{other}）",
        "已按文件顺序采用后一份；如不对，请只导入最新的导出文件",
    ),
    "YZ-FORM-034": (
        "{value} 不是 ODK Central 导出的 ZIP 文件（里面没有 CSV 表）",
        "请在 ODK Central 中重新下载「全部数据（CSV ZIP）」，或解压后导入其中的 CSV",
    ),
    "YZ-FORM-035": (
        "导入后的数据集通不过检查，没有写入任何数据",
        "请按上面的说明改正导入的文件或数据集后重新导入",
    ),
    "YZ-FORM-037": (
        '「{title}」"{value}" 与{other}重复',
        "{title}必须唯一：同一件事登记了两次的请删去一行，不同的事请改用新的{title}",
    ),
    "YZ-FORM-038": (
        "数据集文件的格式（{kind}）导入时无法安全地写回，为免损坏原文件，本次什么都没写",
        "请在 WPS/Excel 中把它“另存为”CSV（UTF-8），或只含这一张表、表头在第1行的 Excel 工作簿（.xlsx），删去旧文件后再导入",
    ),
    "YZ-FORM-036": ("更新 {count} 行（服务器上修改过的提交）", "原文件已备份为 {backup}"),
    # site
    "YZ-SITE-001": (
        "没有安装中文分词库 jieba，网站搜索将搜不到任何中文内容，因此停止生成",
        "请运行 make setup（或 .venv/bin/pip install -r requirements.lock）安装 jieba 后重试",
    ),
    "YZ-SITE-002": (
        "mkdocs.yml 中 search 的 separator 不能按零宽空格（\\u200b）分词，中文搜索会失效",
        "请把 separator 改回 '[\\s\\u200b\\-，。、；：？！（）《》“”]+'",
    ),
    "YZ-SITE-003": (
        "生成的搜索索引中没有分好的中文词，中文搜索会失效",
        "请确认 mkdocs.yml 中 theme.language 为 zh、search 的 lang 为 zh，且已安装 jieba",
    ),
    # print
    "YZ-PRINT-001": (
        "{subject}的印刷文件 {path} 生成失败：{detail}",
        "请检查该项数据或模板后重新生成；原有的 print/ 文件夹保持不变",
    ),
    "YZ-PRINT-002": (
        "{subject}的印刷文件 {path} 缩到最小字号仍超过一页",
        "请缩短该驿站名称、地址或事项内容；原有的 print/ 文件夹保持不变",
    ),
    "YZ-PRINT-003": (
        "{subject}的 {path} 缺少要合订或拼版的文件 {part}",
        "请重新完整生成一次（yizhan build --only print）",
    ),
    "YZ-PRINT-004": (
        "命令行选项 --scheduler 要用 Dask 集群生成印刷品，但本机没有安装 dask",
        "请安装可选组件（.venv/bin/pip install dask distributed，版本见 requirements-dev.lock），或去掉 --scheduler 在本机生成",
    ),
    "YZ-PRINT-005": (
        "命令行选项 --scheduler 给的 Dask 调度器 {address} 连不上（{detail}）",
        "请确认地址（如 tcp://10.0.0.5:8786）无误、调度器已经启动，或去掉 --scheduler 在本机生成",
    ),
    # failures that stop a run (the command line's last line of defence: never a traceback)
    "YZ-RUN-001": (
        "模板写法错误：{detail}",
        "请改正模板中的这一行；不需要自定义模板时，删去项目中的 site_templates/ 文件夹即可用回默认模板",
    ),
    "YZ-RUN-002": (
        "模板无法生成页面：{detail}",
        "请核对模板引用的名称与默认模板一致；不需要自定义模板时，删去项目中的 site_templates/ 文件夹即可用回默认模板",
    ),
    "YZ-RUN-003": (
        "内容嵌套层数太多，无法处理",
        "请检查最近修改的 YAML 或 JSON 文件中是否有成千上万层的缩进或括号",
    ),
    "YZ-RUN-004": (
        "无法读写文件：{detail}",
        "请确认对该文件夹有写入权限、磁盘还有空间，且文件没有被 WPS/Excel 等程序打开",
    ),
    "YZ-RUN-005": (
        "程序内部错误（{detail}）",
        "请加 --debug 重新运行，把显示的全部内容发给技术支持；原有的输出文件保持不变",
    ),
    "YZ-RUN-007": (
        "目录 {target} 已存在且不是空的",
        "请换一个新目录名，yizhan init 只在新的或空的目录里新建项目",
    ),
    "YZ-ENV-001": (
        "没有找到中文字体「{family}」，生成的 PDF 会全是方框，因此停止",
        "请先安装字体：{command}",
    ),
    "YZ-ENV-002": (
        "没有找到 HarfBuzz 字体子集库（libharfbuzz-subset0），PDF 仍能生成，但会慢20—40倍",
        "建议安装：{command}",
    ),
    "YZ-ENV-003": (
        "环境变量 {name} 的值「{value}」不是进程数",
        "请写 1、2 这样的正整数（生成时最多同时用几个进程），或删掉这个变量，按本机的 {cores} 个核生成",
    ),
    "YZ-RUN-006": (
        "生成到一半停下了：{detail}",
        "多半是电脑内存不够。请关掉其他程序后重新运行；内存较小的电脑可以分两次生成，"
        "先加 --only site 生成网站，再加 --only print 生成印刷品。原有的输出文件保持不变",
    ),
    # the workbench (工作台): accounts, uploads, merges, versions
    "YZ-WEB-001": (
        "还没有管理员账号，工作台不能在 {host} 上对外开放",
        "请先运行 yizhan user add 名字 --role admin 建立管理员账号；只在本机使用时去掉 --host",
    ),
    "YZ-WEB-002": ("乡镇「{value}」不在驿站名录里", "请填写以下之一：{choices}"),
    "YZ-WEB-003": ("乡镇账号要写明所属乡镇", "请加上 --township 乡镇名，如 --township {example}"),
    "YZ-WEB-004": ("用户 {name} 已经存在", "改密码请用 yizhan user passwd {name}"),
    "YZ-WEB-005": ("找不到用户 {name}", "请用 yizhan user list 查看已有的用户"),
    "YZ-WEB-006": ("两次输入的密码不一样", "请重新运行这条命令，两次输入同一个密码"),
    "YZ-WEB-007": ("密码太短", "请用至少 {minimum} 位的密码"),
    "YZ-WEB-008": ("用户名或密码不对", "请重新输入；忘记密码请找县民政局的管理员"),
    "YZ-WEB-009": (
        "登录失败的次数太多，暂时不能登录",
        "请 {minutes} 分钟后再试；忘记密码请找县民政局的管理员",
    ),
    "YZ-WEB-010": ("页面已过期，这次提交没有生效", "请回到上一页，刷新后重新提交"),
    "YZ-WEB-011": ("你的账号没有做这件事的权限", "需要时请找县民政局的管理员"),
    "YZ-WEB-012": ("文件太大（超过 {limit}）", "请把表格分成几个文件上传"),
    "YZ-WEB-013": (
        "文件内容不是 Excel 工作簿（.xlsx、.xls）或 CSV 表格",
        "请在 WPS/Excel 中“另存为” Excel 工作簿（.xlsx）后上传",
    ),
    "YZ-WEB-014": (
        "这个 Excel 文件解压后过大或压缩比不正常，为安全起见没有读取",
        "请在 WPS/Excel 中打开，核对内容后“另存为” .xlsx 再上传",
    ),
    "YZ-WEB-015": (
        "这一行是{township}的数据，不属于本乡镇（{own}），没有合并",
        "请交给{township}上传，或从文件中删去这一行",
    ),
    "YZ-WEB-016": ("无法确定这一行属于哪个乡镇", "请填写驿站名录里有的驿站编号（或所属乡镇）"),
    "YZ-WEB-017": (
        "合并后全县的数据没有通过检查，这次什么都没有写入",
        "请按下面列出的问题改正后重新上传；县里的数据保持原样",
    ),
    "YZ-WEB-018": ("数据没有变化：这些行已经和县里的数据完全一样", "无需再次上传"),
    "YZ-WEB-019": (
        "已合并：{table}写入本次的 {added} 行，替换了原有的 {removed} 行，成为第 {version} 版",
        "原来的数据保存在第 {previous} 版，管理员可以恢复",
    ),
    "YZ-WEB-020": (
        "有 {count} 行有错误，这次没有合并",
        "请点“下载标注文件”，按单元格批注改正后重新上传",
    ),
    "YZ-WEB-021": (
        "县里的{table}存为 {kind} 文件，工作台只能写回 CSV 文件",
        "请管理员把 datasets/ 中的这张表“另存为” CSV（UTF-8），删去原文件",
    ),
    "YZ-WEB-022": ("找不到这一页", "请从首页重新进入"),
    "YZ-WEB-023": (
        "用户名「{name}」不能用",
        "用户名只能用汉字、字母、数字和下划线，最多 32 个字，且不能是电话号码或证件号",
    ),
    "YZ-WEB-024": ("已恢复到第 {version} 版，成为新的第 {new} 版", "恢复前的数据保存在第 {previous} 版"),
    "YZ-WEB-025": ("文件里没有可以合并的行", "请确认选对了表格，文件里有本乡镇的数据"),
    "YZ-WEB-026": ("恢复第 {version} 版后全县的数据没有通过检查，没有恢复", "请按下面列出的问题处理"),
    "YZ-WEB-027": ("不认识的表格「{value}」", "请从“表格”下拉框里选择"),
    "YZ-WEB-028": ("用户 {name} 已停用", "需要时用 yizhan user passwd {name} 设新密码即可重新启用"),
    "YZ-WEB-029": ("已建立用户 {name}（{role}）", "登录地址见 yizhan workbench 启动时的提示"),
    "YZ-WEB-030": ("已修改用户 {name} 的密码", "该用户已登录的浏览器都要重新登录"),
    "YZ-WEB-031": ("没有选择文件", "请点“文件”选择要上传的表格"),
    "YZ-WEB-032": ("文件有问题，这次没有合并", "请按下面列出的问题改正后重新上传"),
    "YZ-WEB-033": ("已经有一次发布正在进行", "请等它完成后再点“发布”"),
    "YZ-WEB-035": ("这次发布没有需要重印的公示牌和服务事项清单", "各乡镇不用重印"),
    "YZ-WEB-036": (
        "检查第{number}号上传时程序出错，这次没有合并",
        "请重新上传一次；仍然出错时请把这份文件交给县里的管理员",
    ),
    "YZ-WEB-034": ("发布没有完成：生成或检查没有通过，网站保持原样", "请按下面的提示处理后再发布"),
}

# What the command line says while it works, keyed by code: cli.py writes no sentence of its own.
SAY: dict[str, str] = {
    "YZ-CLI-001": "· {step}……",
    "YZ-CLI-002": "  {step}完成（{seconds:.1f} 秒）",
    "YZ-CLI-003": "注意：{warning}",
    "YZ-CLI-004": "错误：{error}",
    "YZ-CLI-005": "没有改动：数据、内容、模板和工具都和上次生成时一样，{out} 保持不变。",
    "YZ-CLI-006": "数据有错误，没有生成任何文件（原有的 build 保持不变）。请按上面的提示修改后重试。",
    "YZ-CLI-007": "本次生成已作废，原有的 {name}/ 保持不变。",
    "YZ-CLI-008": "检查发现 {count} 处问题，本次生成已作废，原有的 {name}/ 保持不变。",
    "YZ-CLI-009": (
        "其中有问题出在本次没有重新生成的{parts}部分：它是按上次的数据生成的"
        "（例如刚改过的电话号码还留在上面）。请去掉 --only，全部重新生成。"
    ),
    "YZ-CLI-010": "完成：{out}",
    "YZ-CLI-011": "检查完成：{count} 处问题。",
    "YZ-CLI-012": "预览地址：http://127.0.0.1:{port}/ （按 Ctrl+C 停止）",
    "YZ-CLI-013": (
        "已在 {target} 新建空白县项目：datasets/ 中是空白表格模板（{tables}），\n"
        "请在 content/county.yml 中填写本县的 {settings}，\n"
        "再按 content/README.md 修改政策内容；yizhan validate 会列出尚未填写的项目。"
    ),
    "YZ-CLI-014": "已在 {target} 新建县项目（内容为示例县，请按 content/README.md 修改）。",
    "YZ-CLI-015": "已中断。",
}

# The steps of a build as the command line names them while it works.
STEPS = {
    "load": "读取项目",
    "validate": "检查数据",
    "derive": "整理公开数据",
    "render": "生成页面",
    "publish": "发布",
    "check": "隐私与链接检查",
}
PARTS = {"site": "网站", "print": "印刷品"}  # what `--only` builds

# The command line's own help (yizhan --help, yizhan build --help …).
HELP = {
    "prog": "民生驿站发布工具：政策手册、公示牌、表格、信息公开",
    "debug": "出错时显示程序内部的调用过程（供技术人员排查）",
    "debug_short": "出错时显示调用过程",
    "commands": "命令",
    "actions": "操作",
    "project": "县项目目录（默认当前目录）",
    "build": "检查数据并生成网站、印刷品、表格和开放数据",
    "out": "输出目录（默认 build；只归 yizhan 使用）",
    "only": "只生成网站（含表格下载、信息公开、开放数据）或只生成印刷品，可重复",
    "scheduler_name": "地址",
    "scheduler": "在 Dask 集群上生成印刷品，给出调度器地址，如 tcp://10.0.0.5:8786（需安装可选组件 dask）",
    "validate": "检查 content/ 和 datasets/，列出所有问题",
    "check": "检查已生成的文件：个人信息泄露、失效链接",
    "serve": "生成网站并在本机预览",
    "collect": "把驿站收集的表格数据汇入县数据集",
    "import": "校验并追加导入网页表格、Excel 或 Kobo/ODK 导出的数据",
    "form": "表格代码，如 yijian",
    "files": "CSV 或 XLSX 文件",
    "skip_invalid": "跳过有错误的行，另存到 *.未导入.csv",
    "init": "以示例县为模板新建一个县项目",
    "empty": "不复制示例县的数据：datasets/ 中放空白表格模板，县级设置留空待填",
}


def say(code: str, **values: object) -> str:
    """A line the command line prints while it works, with its values filled in."""
    return SAY[code].format(**values)


def listing(items: Iterable[object]) -> str:
    """Several names in one Chinese list: a、b、c."""
    return "、".join(str(item) for item in items)


# Progress of long work in logs (when the output is not a terminal), about every tenth of the way.
# Details that fill a catalogue message's {detail}: what went wrong, in words an officer understands.
DETAIL: dict[str, str] = {
    "template": "模板",
    "template-missing": "找不到模板 {name}",
    "memory": "内存不够",
    "worker-killed": "一个工作进程被系统结束了",
    "too-deep": "嵌套层数太多",
    "no-resources": "缺少 resources（数据集列表）",
    "resource-missing": "第{index}个数据集缺少 {field}",
    "resource-shape": "第{index}个数据集结构不对",
    # What json says → what an officer editing the file in Notepad understands.
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "名称要用英文双引号括起来（或最后一项后面多了逗号）",
    "Expecting value": "缺少值（或最后一项后面多了逗号）",
    "Unterminated string": "引号没有闭合",
    "Extra data": "结尾多出了内容",
}


def detail(key: str, **values: object) -> str:
    """A detail phrase from the catalogue; an unknown key (a library's own wording) is passed on as it is."""
    return DETAIL.get(key, key).format(**values)


PROGRESS_LINE = "  {label}：已完成 {done}/{total} 份（{percent}%）"

FILE_LABELS = {
    "stations": "驿站名录",
    "recipients": "救助对象",
    "projects": "民生工程项目",
    "feedback": "意见建议",
    "services": "服务台账",
}


def text(code: str, **values: object) -> tuple[str, str]:
    """Return (problem, fix) for a catalogue code with its values filled in."""
    problem, fix = CATALOGUE[code]
    return problem.format(**values), fix.format(**values)
