package report

// zh is the page in simplified Chinese, for a marketing analyst in mainland China: each string
// the page shows in English (the key, exactly as the code gives it to tr, trf or trCode) and its
// translation, grouped by section. A key with values keeps its verbs (%s, %d, %.2f, %% for a
// percent sign); %[2]s takes the second value where Chinese word order differs. Translating a
// new string is one line here; the tests fail while a string of the page has none.
var zh = [][2]string{
	// The page.
	{"Nightly run %s", "每晚运行报告 %s"},
	{"Business day %s · run %s · schema version %d", "业务日 %s · 运行 %s · 表结构版本 %d"},
	{"Business day %s · run %s · finished %s · schema version %d",
		"业务日 %s · 运行 %s · 完成于 %s · 表结构版本 %d"},
	{"This run has no %s table: section skipped.", "本次运行没有 %s 表：本节从略。"},
	{"This run has no %s: section skipped.", "本次运行没有 %s：本节从略。"},
	{"%s table", "%s 表"},

	// Words of many tables.
	{"persons", "人数"},
	{"buyers", "购买人数"},
	{"GMV", "GMV"},
	{"share", "占比"},
	{"share of persons", "人数占比"},
	{"share of GMV", "GMV 占比"},
	{"all", "全部"},
	{"segment", "人群"},
	{"change", "变化"},
	{"tonight", "今晚"},
	{"last night", "昨晚"},
	{"figure", "指标"},
	{"value", "数值"},
	{"stage", "阶段"},
	{"source", "数据源"},
	{"mean 12-month CLV", "12 个月平均 CLV"},

	// At a glance.
	{"At a glance", "概览"},
	{"Tonight's headline figures, the change since the night before, and the last %d nights " +
		"(the line, oldest to the left).",
		"今晚的核心指标、较前一晚的变化，以及最近 %d 晚的走势（折线从左到右由早到晚）。"},
	{"night before", "前一晚"},
	{"nights", "走势"},
	{"night of %s", "%s 当晚"},
	{"Headline figures", "核心指标"},
	{"The nights shown", "各晚明细"},
	{"night", "日期"},
	{"repeat rate", "复购率"},
	{"GMV share of the top 20% of buyers", "前 20% 买家的 GMV 占比"},
	{"%+.1f pt", "%+.1f 个百分点"},
	{"No earlier night with headline figures under this output: changes start tomorrow.",
		"该输出目录下没有更早一晚的核心指标：变化从明晚开始显示。"},

	// Lifecycle flow, and the lifecycle stages wherever they are shown.
	{"Lifecycle flow", "生命周期流转"},
	{"Persons by their lifecycle stage on the night this run continued (rows) and tonight " +
		"(columns); the diagonal stayed where they were.",
		"按本次运行所接续那一晚（行）与今晚（列）的生命周期阶段统计人数；对角线上的人阶段未变。"},
	{"This run continued no earlier night: there is no flow to show.",
		"本次运行没有接续更早的一晚：暂无流转可显示。"},
	{"From the night of %s to tonight", "从 %s 当晚到今晚"},
	{"from \\ to", "从 \\ 到"},
	{"(new tonight)", "（今晚新增）"},
	{"(gone tonight)", "（今晚移出）"},
	{"unaware", "未认知"},
	{"aware", "认知"},
	{"interested", "兴趣"},
	{"first purchase", "新客"},
	{"repeat", "复购"},
	{"loyal", "忠诚"},
	{"dormant", "沉睡"},
	{"churn risk", "流失风险"},

	// Customers.
	{"Customers", "客户画像"},
	{"Who they are, what they buy, when to reach them, through which channel, and what they " +
		"say: persons and GMV per value of each characteristic of their portraits. A person " +
		"counts under each of their top categories and brands.",
		"他们是谁、买什么、何时触达、通过哪个渠道、说了什么：按画像各项特征的取值统计人数和 GMV。" +
			"一个人计入其每个偏好品类和偏好品牌。"},
	{"Who: age band", "谁：年龄段"},
	{"Who: gender", "谁：性别"},
	{"Who: city tier", "谁：城市等级"},
	{"Who: provinces (top 10)", "谁：省份（前 10）"},
	{"What: top categories", "买什么：偏好品类"},
	{"What: top brands (top 10)", "买什么：偏好品牌（前 10）"},
	{"What: price band", "买什么：价格带"},
	{"Which channel: preferred channel", "哪个渠道：偏好渠道"},
	{"age band", "年龄段"},
	{"gender", "性别"},
	{"city tier", "城市等级"},
	{"province", "省份"},
	{"category", "品类"},
	{"brand", "品牌"},
	{"price band", "价格带"},
	{"channel", "渠道"},
	{"tier %d", "%d线城市"},
	{"(unknown)", "（未知）"},
	{"female", "女"},
	{"male", "男"},
	{"low", "低价位"},
	{"mid", "中价位"},
	{"high", "高价位"},
	{"app", "App"},
	{"web", "网页"},
	{"mini program", "小程序"},
	{"When: persons by best contact weekday and hour (%s)", "何时：按最佳触达星期与小时的人数（%s）"},
	{"When: persons by best contact time", "何时：最佳触达时间的人数"},
	{"When: paid orders by weekday and hour placed (%s)", "何时：已支付订单的下单星期与小时（%s）"},
	{"When: paid orders by weekday and hour placed", "何时：已支付订单的下单时间"},
	{"hour", "小时"},
	{"weekday", "星期"},
	{"Mon", "周一"},
	{"Tue", "周二"},
	{"Wed", "周三"},
	{"Thu", "周四"},
	{"Fri", "周五"},
	{"Sat", "周六"},
	{"Sun", "周日"},
	{"Which channel and feedback", "渠道触达与反馈"},
	{"measure", "指标"},
	{"marketing messages received in 30 days", "近 30 天收到的营销消息"},
	{"opened or clicked", "打开或点击"},
	{"persons whose texts were scored", "文本已做情感评分的人数"},
	{"sentiment", "情感"},
	{"not scored tonight: the model card's sentiment says why", "今晚未评分：原因见模型卡的 sentiment 项"},
	{"positive on the whole", "整体正面"},
	{"negative on the whole", "整体负面"},
	{"persons with an open complaint", "有未结投诉的人数"},

	// Lifecycle.
	{"Lifecycle", "生命周期"},
	{"The conversion funnel (every step a subset of the one before), then every person's " +
		"lifecycle stage, in funnel order followed by the lapsing stages.",
		"先是转化漏斗（每一步都是上一步的子集），再是每个人的生命周期阶段，按漏斗顺序排列，其后是流失中的阶段。"},
	{"all persons", "全部人群"},
	{"engaged (aware or beyond)", "有互动（认知及以上）"},
	{"repeat buyers (2+ purchase days)", "复购人数（2 个及以上购买日）"},
	{"Conversion funnel", "转化漏斗"},
	{"Conversion funnel (persons)", "转化漏斗（人数）"},
	{"step", "步骤"},
	{"share of all persons", "占全部人群"},
	{"share of the step before", "占上一步"},
	{"Persons per lifecycle stage", "各生命周期阶段人数"},

	// RFM grid.
	{"RFM grid", "RFM 矩阵"},
	{"Buyers by recency score (rows, 5 = bought most recently) and frequency score (columns, " +
		"5 = most purchase days): how many persons, and the GMV they brought.",
		"按 R 得分（行，5 = 最近购买）和 F 得分（列，5 = 购买天数最多）划分的买家：人数及其带来的 GMV。"},
	{"No buyer of this run has an RFM score.", "本次运行没有买家有 RFM 得分。"},
	{"%s buyers without both scores are left out of the grid.",
		"%s 名缺少 R 或 F 得分的买家未计入矩阵。"},
	{"Buyers per R and F score", "各 R、F 得分的买家数"},
	{"GMV per R and F score", "各 R、F 得分的 GMV"},
	{"GMV per R and F score (%s)", "各 R、F 得分的 GMV（%s）"},
	{"R \\ F", "R \\ F"},
	{"frequency score", "F 得分（购买频次）"},
	{"recency score", "R 得分（最近购买）"},

	// Customer lifetime value.
	{"Customer lifetime value", "客户终身价值（CLV）"},
	{"12-month discounted lifetime value of every buyer (BG/NBD times Gamma-Gamma), in %s. " +
		"The bars stop at the 99th percentile; a last bar marked ≥ gathers the few buyers " +
		"above it.",
		"每位买家未来 12 个月的折现终身价值（BG/NBD 乘以 Gamma-Gamma），单位为%s。" +
			"柱形截至第 99 百分位；最后一根标有 ≥ 的柱汇总其上的少数买家。"},
	{"No buyer of this run has a lifetime value (no buyers, or the models could not be fitted).",
		"本次运行没有买家有终身价值（没有买家，或模型未能拟合）。"},
	{"%s buyers without a lifetime value are left out.", "%s 名没有终身价值的买家未计入。"},
	{"Buyers per CLV band", "各 CLV 区间的买家数"},
	{"12-month CLV", "12 个月 CLV"},
	{"Buyers per 12-month CLV band", "各 12 个月 CLV 区间的买家数"},
	{"yuan", "元"},
	{"Summary", "汇总"},
	{"buyers with a CLV", "有 CLV 的买家数"},
	{"total", "总计"},
	{"mean", "平均值"},
	{"median", "中位数"},
	{"90th percentile", "第 90 百分位"},
	{"largest", "最大值"},

	// Segments.
	{"Segments", "人群细分"},
	{"Persons per segment tonight and last night (the chart leaves out all_persons), with each " +
		"segment's share of persons and of GMV and its members' mean 12-month CLV.",
		"今晚与昨晚各人群的人数（图中不含 all_persons），以及各人群的人数占比、GMV 占比和成员的 12 个月平均 CLV。"},
	{"Segment summary", "人群汇总"},
	{"kind", "类型"},
	{"The segment_summary table of this run is empty.", "本次运行的 segment_summary 表为空。"},
	{"Persons per segment: last night and tonight", "各人群人数：昨晚与今晚"},

	// Audiences.
	{"Audiences", "人群包"},
	{"Each activated segment: its members, those left out and why, and its list against last " +
		"night's (the lines added and removed are in activation_csv/changes/).",
		"每个已激活人群：成员数、被剔除的人数及原因，以及名单与昨晚的对比" +
			"（新增和移除的名单行见 activation_csv/changes/）。"},
	{"No segment is activated (the segments file's activation).",
		"没有激活任何人群（见人群配置文件的 activation）。"},
	{"Activated segments", "已激活人群"},
	{"members", "成员数"},
	{"left out: %s", "剔除：%s"},
	{"no consent", "未授权营销"},
	{"open complaint", "有未结投诉"},
	{"no phone", "无手机号"},
	{"frequency cap", "触达频次上限"},
	{"activated", "激活人数"},
	{"last night's list", "昨晚名单"},
	{"added", "新增"},
	{"removed", "移除"},
	{"tonight's list", "今晚名单"},

	// Clusters.
	{"Clusters", "聚类分群"},
	{"Persons grouped by k-means on their value and engagement; each cluster's label is read " +
		"from its centre, and its members form the segment named beside it.",
		"按价值与活跃度用 k-means 聚类；每个簇的标签由其中心得出，簇内成员构成旁边所列的人群。"},
	{"No clusters tonight (the segments file's clusters).", "今晚没有聚类（见人群配置文件的 clusters）。"},
	{" k = %d, silhouette %.2f on a training sample of %s persons.",
		"k = %[1]d，在 %[3]s 人的训练样本上轮廓系数为 %.2[2]f。"},
	{"Cluster profiles (means of the members)", "各簇画像（成员均值）"},
	{"cluster", "簇"},
	{"label", "标签"},
	{"frequency", "购买频次"},
	{"recency days", "距上次购买天数"},
	{"active days (30)", "活跃天数（30 天）"},
	{"sessions", "会话数"},
	{"discount order share", "折扣订单占比"},
	{"days since last seen", "距上次访问天数"},

	// Top affinity rules.
	{"Top affinity rules", "主要关联规则"},
	{"Association rules mined from the baskets of paid orders: buying the left-hand items " +
		"makes buying the right-hand one more likely. The %d rules of highest support per " +
		"level; lift above 1 means bought together more often than by chance.",
		"从已支付订单的购物篮中挖掘的关联规则：购买了左侧商品，就更可能购买右侧商品。" +
			"每个层级列出支持度最高的 %d 条规则；提升度大于 1 表示一起购买的频率高于随机。"},
	{"sku", "SKU"},
	{"%s rules (%d of %d)", "%s规则（共 %[3]d 条，列出 %[2]d 条）"},
	{"rule", "规则编号"},
	{"if bought", "如果购买"},
	{"then also", "则也购买"},
	{"support", "支持度"},
	{"confidence", "置信度"},
	{"lift", "提升度"},
	{"baskets", "购物篮数"},
	{"Top %s rules: support and confidence (%%)", "主要%s规则：支持度与置信度（%%）"},
	{"Top %s rules as a network (arrows: if bought, then also)",
		"主要%s规则网络图（箭头：购买了……也会购买……）"},
	{"rules", "规则"},
	{"lift %.1f", "提升度 %.1f"},
	{"The affinity_rules table of this run is empty: no rule reached the minimum support.",
		"本次运行的 affinity_rules 表为空：没有规则达到最小支持度。"},

	// Purchase and churn predictions.
	{"Purchase and churn predictions", "购买与流失预测"},
	{"Who is likely to buy in the next 30 days (propensity_30d) and which past buyers are " +
		"likely to buy nothing (churn_risk). Each model is measured on persons it did not train " +
		"on: scored as of the cutoff day, then checked against what they did after it.",
		"谁可能在未来 30 天内购买（propensity_30d），哪些老客可能不再购买（churn_risk）。" +
			"每个模型都在未参与训练的人群上检验：按截止日的数据打分，再与他们之后的实际行为对照。"},
	{"This run has no prediction card: only tonight's scores are shown.",
		"本次运行没有预测模型卡：仅显示今晚的得分。"},
	{"The models", "模型"},
	{"score", "得分"},
	{"predicts", "预测目标"},
	{"persons scored", "已打分人数"},
	{"labelled", "有标签人数"},
	{"positives", "正例数"},
	{"held out", "留出人数"},
	{"held-out AUC", "留出集 AUC"},
	{"BG/NBD baseline AUC", "BG/NBD 基线 AUC"},
	{"status", "状态"},
	{"no card", "无模型卡"},
	{"not trained: %s", "未训练：%s"},
	{"trained", "已训练"},
	{"Persons per %s band", "%s 各区间人数"},
	{"no score", "无得分"},
	{"Tonight's %s", "今晚的 %s"},
	{"%s: gains on the held-out persons, highest scores first",
		"%s：留出人群的累积增益（得分从高到低）"},
	{"decile", "十分位"},
	{"share of positives found", "找到的正例占比"},
	{"%s: cumulative gains", "%s：累积增益"},
	{"% of held-out persons contacted", "触达的留出人群占比（%）"},
	{"% of positives found", "找到的正例占比（%）"},
	{"model", "模型"},
	{"random", "随机"},
	{"%s: calibration deciles of the held-out persons", "%s：留出人群的校准十分位"},
	{"scores", "得分区间"},
	{"mean predicted", "平均预测值"},
	{"observed", "实际观测值"},
	{"%s: predicted against observed", "%s：预测与实际对比"},
	{"mean predicted, %", "平均预测值（%）"},
	{"observed, %", "实际观测值（%）"},
	{"deciles", "十分位"},
	{"perfect", "完美校准"},

	// Run.
	{"Run", "运行概况"},
	{"Read %s input files (%s bytes) of %d sources; wrote %d tables.",
		"读取了 %[3]d 个数据源的 %[1]s 个输入文件（%[2]s 字节）；写出 %[4]d 张表。"},
	{"Tables of the run", "本次运行的表"},
	{"table", "表"},
	{"rows", "行数"},
	{"files", "文件数"},

	// Data-quality gates.
	{"Data-quality gates", "数据质量门禁"},
	{"Each source is held to the gates of its sources config: at most max_reject_rate of its " +
		"records read rejected by cleaning, at least min_rows rows after cleaning, and every " +
		"mapped column found in some record. A breach fails the night; a warning does not.",
		"每个数据源都要通过其数据源配置中的门禁：清洗拒收的记录不超过读取记录的 max_reject_rate，" +
			"清洗后至少有 min_rows 行，且每个映射列至少在一条记录中出现。" +
			"未通过门禁则当晚运行失败；警告则不会。"},
	{"The gates need the run's sources config: render the report with it to see them.",
		"门禁检查需要本次运行的数据源配置：带上该配置重新生成报告即可看到。"},
	{"Breaches and warnings", "未通过项与警告"},
	{"gate", "门禁"},
	{"what", "说明"},
	{"BREACH", "未通过"},
	{"warning", "警告"},
	{"Every source passed its gates.", "所有数据源均通过门禁。"},
	{"Per source, against its limits", "各数据源及其限值"},
	{"read", "读取"},
	{"rejected", "拒收"},
	{"max_reject_rate", "拒收率上限 max_reject_rate"},
	{"rows after cleaning", "清洗后行数"},
	{"min_rows", "最少行数 min_rows"},
	{"Mapped columns some records lack", "部分记录缺少的映射列"},
	{"field", "字段"},
	{"column", "列名"},
	{"records without it", "缺少该列的记录数"},
	{"of records looked at", "检查的记录数"},

	// Records per source and stage.
	{"Records per source and stage", "各数据源各阶段的记录数"},
	{"Every record read is accounted for: records in = out + rejected + deduplicated, for every " +
		"source and stage, and each stage takes in what the previous one let out.",
		"每条读取的记录都有去向：对每个数据源和阶段，输入 = 输出 + 拒收 + 去重，" +
			"且每个阶段的输入等于上一阶段的输出。"},
	{"out", "输出"},
	{"in", "输入"},
	{"deduplicated", "去重"},
	{"balanced", "平衡"},
	{"yes", "是"},
	{"NO", "否"},
	{"nulled fields", "置空字段数"},
	{"Per source: read = out + rejected + deduplicated", "各数据源：读取 = 输出 + 拒收 + 去重"},
	{"Per source and stage", "各数据源各阶段"},
	{"The quality table of this run has no record counts.", "本次运行的 quality 表没有记录计数。"},
	{"What became of the records read, per source (% of records read)",
		"各数据源读取记录的去向（占读取记录的 %）"},
	{"Counts that do not add up", "对不上的计数"},
	{"problem", "问题"},

	// Rejects by reason.
	{"Rejects by reason", "拒收原因"},
	{"Records that could not be used, per source, stage and reason (the rejects table holds " +
		"each one with its file and line), then optional values that were invalid and dropped " +
		"from otherwise good records.",
		"无法使用的记录，按数据源、阶段和原因统计（rejects 表逐条保存其文件和行号）；" +
			"其后是取值无效、已从其余正常的记录中丢弃的可选字段。"},
	{"Rejected records by reason (largest first)", "按原因统计的拒收记录（从多到少）"},
	{"records", "记录数"},
	{"Rejected records", "拒收记录"},
	{"reason", "原因"},
	{"share of the source's records read", "占该数据源读取记录的比例"},
	{"Nulled fields (value dropped, record kept)", "置空字段（丢弃取值，保留记录）"},
	{"No record was rejected and no field nulled in this run.", "本次运行没有拒收记录，也没有置空字段。"},

	// Identity resolution: guards and links.
	{"Identity resolution: guards and links", "身份识别：防护与关联"},
	{"Guards are identifiers stopped from linking persons (a phone or device shared by too many " +
		"accounts, for instance); links count what the resolve stage joined: probabilistic " +
		"matches, persons, merges and splits.",
		"防护指被阻止用于关联人员的标识（例如被过多账号共用的手机号或设备）；" +
			"关联统计身份识别阶段连接的结果：概率匹配、人员、合并与拆分。"},
	{"Guards that fired, by guard and identifier type", "触发的防护（按防护规则与标识类型）"},
	{"identifiers", "标识数"},
	{"Links made by the resolve stage", "身份识别阶段建立的关联"},
	{"count", "数量"},
	{"guard", "防护规则"},
	{"linked", "关联"},
	{"The quality table of this run has no guard or link counts (no resolve stage ran, or " +
		"nothing fired).",
		"本次运行的 quality 表没有防护或关联计数（未运行身份识别阶段，或没有触发任何防护）。"},

	// Identity matching models.
	{"Identity matching models", "身份匹配模型"},
	{"What the night's Fellegi-Sunter models fitted. A compared pair gains each field's weight " +
		"at its level, log2(m/u) bits: m is how often matches sit at that level, u how often " +
		"non-matches do.",
		"当晚 Fellegi-Sunter 模型的拟合结果。比较的一对记录在每个字段上按其级别获得权重 log2(m/u) 比特：" +
			"m 是匹配对落在该级别的频率，u 是非匹配对落在该级别的频率。"},
	{"%s model: prior %s, threshold %s", "%s 模型：先验概率 %s，阈值 %s"},
	{", share with an owner %.2f", "，有归属者的比例 %.2f"},
	{"field › level", "字段 › 级别"},
	{"m", "m"},
	{"u", "u"},
	{"weight (bits)", "权重（比特）"},

	// Model card.
	{"Model card", "模型卡"},
	{"The night's models and the global figures every portrait was computed with.",
		"当晚的模型，以及计算每个画像所用的全局指标。"},
	{"This run has no model card (no %s table, no %s): section skipped.",
		"本次运行没有模型卡（既无 %s 表，也无 %s）：本节从略。"},
	{"P(alive), expected purchases and lifetime value come from the %s purchase model.",
		"存活概率 P(alive)、预期购买次数和终身价值来自 %s 购买模型。"},
	{"P(alive), expected purchases and lifetime value come from the %s purchase model: %s.",
		"存活概率 P(alive)、预期购买次数和终身价值来自 %s 购买模型：%s。"},

	// Feedback.
	{"Feedback", "客户反馈"},
	{"What customers said: the stars of their reviews and review-site posts, the words that set " +
		"the low-rated texts (1-2 stars) apart from the high-rated ones (4-5 stars), and their " +
		"service tickets.",
		"客户说了什么：评价与第三方评价网站帖子的星级，区分差评（1-2 星）与好评（4-5 星）的词，" +
			"以及客服工单。"},
	{"This run has no rated review, post or ticket.", "本次运行没有带星级的评价、帖子或工单。"},
	{"texts", "条数"},
	{"Texts per rating", "各星级的评价条数"},
	{"stars", "星级"},
	{"Reviews and posts per rating", "各星级的评价与帖子数"},
	{"Negative themes: words of the %s low-rated texts, against the %s high-rated ones",
		"差评主题：%s 条差评中的高频词，对照 %s 条好评"},
	{"word", "词"},
	{"low-rated texts", "差评条数"},
	{"share of low-rated", "差评占比"},
	{"share of high-rated", "好评占比"},
	{"z", "z 值"},
	{"Service tickets by category", "各类型的客服工单"},
	{"ticket type", "工单类型"},
	{"tickets", "工单数"},
	{"still open", "未关闭"},
	{"complaint", "投诉"},
	{"return", "退货"},
	{"delivery", "物流"},
	{"inquiry", "咨询"},
	{"other", "其他"},

	// Cluster profiles as indexes.
	{"Cluster profiles as indexes (100 = the mean of all persons)",
		"聚类画像指数（100 = 全体人群均值）"},
	{"Cluster profiles (100 = the mean of all persons)", "聚类画像（100 = 全体人群均值）"},
	{"index", "指数"},
}
