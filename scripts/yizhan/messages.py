"""The one catalogue of user-facing Chinese messages, keyed by code.

Each entry is (what is wrong, how to fix it). Tests build their expected
messages from the same templates, so wording changes in one place.
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # files
    "YZ-FILE-001": ("找不到文件", "请确认文件名和位置，或用 yizhan init 新建项目"),
    "YZ-FILE-002": (
        "无法识别文件编码",
        "请在 WPS/Excel 中“另存为”CSV（UTF-8）或 Excel 工作簿（.xlsx）",
    ),
    "YZ-FILE-003": ("无法读取 Excel 文件：{detail}", "请用 WPS/Excel 打开后重新保存为 .xlsx"),
    "YZ-FILE-004": ("文件是空的", "请填写表头（第1行）和数据"),
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
    "YZ-YAML-011": ("电话 {value} 格式不对", "请填写带区号的固定电话（如 0369-5201234）或11位手机号"),
    "YZ-YAML-012": ("日期 {value} 格式不对", "请按 2026-11-20 的格式填写"),
    # tables
    "YZ-DATA-001": ("缺少列「{title}」", "请在第1行添加列标题「{title}」（注意不要有错别字）"),
    "YZ-DATA-002": ("多出的列「{title}」将被忽略", "如果是拼写错误，请改为正确的列标题"),
    "YZ-DATA-003": ("「{title}」不能为空", "请填写{title}"),
    "YZ-DATA-004": ('"{value}" 不是有效的{type_name}', "{fix}"),
    "YZ-DATA-005": ('"{value}" 不在可选值中', "请填写以下之一：{choices}"),
    "YZ-DATA-006": ('"{value}" 格式不对', "{fix}"),
    "YZ-DATA-007": ('"{value}" 小于 {minimum}', "请填写不小于 {minimum} 的数"),
    "YZ-DATA-008": ('"{value}" 与第{other}行重复', "{title}必须唯一，请核对后修改其中一行"),
    "YZ-DATA-009": (
        '"{value}" 不是有效的身份证号：{reason}',
        "请核对18位身份证号；最后一位是校验码（数字或X）",
    ),
    "YZ-DATA-010": (
        '"{value}" 不是有效的电话号码',
        "请填写11位手机号或带区号的固定电话（如 0369-5201234）",
    ),
    "YZ-DATA-011": ('"{value}" 大于 {maximum}', "请填写不大于 {maximum} 的数"),
    "YZ-DATA-012": ("本行比表头多出 {count} 个单元格", "请删除多余的内容，或补上缺少的列标题"),
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
        "请安装可选组件（.venv/bin/pip install dask distributed，版本见 requirements.lock），或去掉 --scheduler 在本机生成",
    ),
    "YZ-PRINT-005": (
        "命令行选项 --scheduler 给的 Dask 调度器 {address} 连不上（{detail}）",
        "请确认地址（如 tcp://10.0.0.5:8786）无误、调度器已经启动，或去掉 --scheduler 在本机生成",
    ),
}

# Progress of long work in logs (when the output is not a terminal), about every tenth of the way.
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
