// 页面上的每一句话、每个标签和提示，中文版；web/strings/en.js 是同样的键的英文版。
// Not logic: values are strings (HTML only under keys named in data-s-html) or small functions that put already
// formatted numbers into sentences. The terms are the tutorial's own (查询 / 键 / 值, 注意力权重, 掩码, 多头, 位置编码 …).

export default {
  languageName: '中文',

  page: {
    title: 'attention-wasm —— 在你自己的文本上看 Attention 如何工作',
    language: '语言',
    intro: '随便输入一段文字。它会被切分成 GPT-2 的 Token，再交给一个专为本页训练的小型 GPT-2 读取——C++ 编译成 ' +
      'WebAssembly SIMD，在你电脑上的 Web Worker 里运行——由它预测下一个 Token；下面每一层、每一个头显示的都是它真实的计算。' +
      '再往下，一个 Attention 模块被一步一步拆开。带 § 的按钮会打开本页所演示的教程，并跳到对应的章节。',
  },

  status: {
    loading: '加载中…',
    typeSomething: '请输入一些文字。',
    line: (n, truncated, heads, dModel, backend, threads, ms, version) => `${n} 个 Token${truncated ? '（只显示前 256 个）' : ''}` +
      ` · 第 3–9 节的 Attention 模块：${heads} 个头，d_model ${dModel} · ${backend} × ${threads} 个线程 · 计算耗时 ${ms} ms · attention-wasm ${version}`,
    threadsOn: '多线程已开启：页面处于跨源隔离状态',
  },

  errors: {
    startFailed: (why) => `无法启动 attention-wasm：${why}`,
    workerFailed: (why) => `计算用的 Worker 出错了：${why}`,
    workerNoStart: '它无法启动（请查看浏览器控制台）',
    noModel: '还没有加载模型',
    modelHttp: (file, status) => `${file} 返回了 HTTP ${status}`,
    library: (message) => `attention-wasm 拒绝了这个输入：${message}`,
  },

  tutorial: {
    open: '教程',
    openAt: (section) => `在 §${section} 处打开教程`,
    title: '本页所演示的教程',
    languageNote: '',
    close: '关闭',
    loadFailed: (why) => `无法读取教程：${why}`,
  },

  pick: {
    heading: '模型',
    model: '模型',
    openFile: '打开一个 GPT-2 <code>.safetensors</code> 文件',
    names: {
      trained: '我们训练的模型（tiny-tutor）',
      teaching: '手工构造的教学模块（人为设定的头）',
      seeded: '随机初始化、未训练的模块',
      file: '你电脑上的 GPT-2 文件…',
    },
    loading: (what) => `正在加载 ${what}…`,
    readingFile: (name, done, total) => `正在把 ${name} 读入 WebAssembly：权重已读 ${done} / ${total} MiB`,
    fileLocal: '文件只在你的电脑上由本页读取，不会上传：没有任何请求离开这个页面。',
    dropHere: '或者把 .safetensors 文件拖到这里',
    badFile: (name, why) => `${name} 不是本页能运行的 GPT-2 检查点：${why}`,
    loaded: (name, ms) => `${name} · 加载用时 ${ms} ms`,
    configLine: (layers, heads, dModel, vocab, restricted, context, dtype, mib) => `${layers} 层 × ${heads} 个头 · ` +
      `d_model ${dModel} · 词表 ${vocab}${restricted ? '（GPT-2 Token 的一个子集）' : ''} · 上下文长度 ${context} · ` +
      `${dtype} · ${mib} MiB`,
    trainedAbout: (steps) => `由本项目在中英文的小故事上训练（${steps} 步）。训练后测量了它的每个头；下面的标签就是这些测量结果。`,
    fileAbout: '你打开的 GPT-2 检查点：它没有附带头的测量结果，所以它的头没有标签。',
  },

  text: {
    heading: '1 · 文本 → Token',
    label: '你的文本',
    examples: '例子：',
    exampleCat: 'The cat sat…',
    exampleCode: '代码 + 表情符号',
    note: 'GPT-2 的字节级 BPE（50,257 个 Token）。一个小方块就是一个 Token：它的文本和编号。把鼠标移到（或用键盘聚焦）' +
      '小方块上，可以看到它在文本中对应的部分。ASCII 以外的字符可能占好几个 Token（一个汉字常常是两三个）：最后一块之前的' +
      '各块用十六进制显示它们的字节，如 <code>⟨e4 bb⟩</code>，最后一块带着这个字，块下面的括号标出它们合起来是哪个字。' +
      '模型在一个中文词的最后一块上读这个词。注意：GPT-2 实际把 “unhappiness” 切成 <code>un|h|appiness</code>，' +
      '而不是教程里的 <code>un|happiness</code>（§1.2）。',
    viewLabel: '你的文本，当前 Token 高亮显示',
    tokensLabel: 'Token',
    chipTitle: (i, id, start, end) => `第 ${i} 个 Token：编号 ${id}，UTF-16 [${start}, ${end})`,
    pieceTitle: (i, id, k, n, char) => `第 ${i} 个 Token：编号 ${id}，“${char}” 的第 ${k} / ${n} 个字节块`,
    charTitle: (char, n) => `“${char}” 占 ${n} 个 Token：GPT-2 把它的 UTF-8 字节分成 ${n} 块来读`,
  },

  blockOnly: {
    layers: '单独的 Attention 模块在这里没有可画的内容：它只有一层，它的头在第 3、4 节中被拆开讲解。完整模型的每一层 × 每个头、' +
      '头的标签和关闭头，需要训练好的模型或一个 GPT-2 文件（在上面选择）。',
    lens: '单独的 Attention 模块在这里没有可画的内容：logit lens 用模型的输出层读取每一层之后的残差流，而单个模块两者都没有。' +
      '请选择训练好的模型，或者打开一个 GPT-2 文件。',
    film: '单独的 Attention 模块在这里没有可画的内容：它的权重是手工构造的（教学模型）或随机生成的（随机模型），从未训练过，' +
      '所以没有头的形成过程可看。只有我们训练的模型记录了训练过程。',
  },
  predict: {
    heading: '下一个 Token 与文本生成',
    blockOnly: '这是一个单独的 Attention 模块，没有自己的语言模型输出层：第 3–9 节会把它拆开。预测、生成、每一层、' +
      '关闭头、logit lens 和训练过程都需要一个完整的模型：请选择训练好的模型，或者打开一个 GPT-2 文件。',
    barsLabel: '下一个 Token 的概率',
    title: (text) => `在 “${text}” 之后，模型预测：`,
    unknownToken: '这个模型不认识',
    truncated: (n) => `（模型只读你文本的前 ${n} 个 Token：这是它的上下文长度）`,
    outOfVocab: (V) => `这个模型的词表只有 GPT-2 的前 ${V} 个 Token，而你的文本用到了别的：请输入由这些 Token 组成的文本。`,
    unknownNote: (n) => `${n} 个 Token 显示为灰色：这个模型不认识它们（它的词表只是 GPT-2 Token 的一个小子集），把它们当作 UNK 读。`,
    lossLine: (loss, n) => `你文本上的损失：每个 Token ${loss} nats（${n} 次预测的 −log p(下一个 Token) 的平均）`,
    lossAblated: (loss, delta) => `关闭这些头之后：${loss} nats（${delta}）`,
    temperature: '温度',
    temperatureNote: '温度 0 = 总是选概率最大的 Token',
    seed: '随机种子',
    tokens: 'Token 数',
    generate: '生成',
    generated: (n, ms, rate) => `${ms} ms 生成 ${n} 个 Token（每秒 ${rate} 个），借助 KV 缓存逐个生成（自回归）`,
    cacheLine: (tokens, kib) => `KV 缓存：${tokens} 个 Token · ${kib} KiB（每个新 Token 读取它，再追加自己的键和值，和第 5 节一样）`,
    barTitle: (text, id, p) => `${text} · GPT-2 编号 ${id} · p = ${p}`,
  },

  layers: {
    heading: '每一层、每一个头，以及关闭头',
    gridNote: '每一层（行）× 每一个头（列），每格是该头的注意力权重图：行 = 查询 Token，列 = 键 Token，颜色越深权重越大。' +
      '点击一张图可以放大；勾选 “关闭” 可以关掉这个头。',
    headName: (l, h) => `L${l} H${h}`,
    allHeadsOn: '重新打开所有的头',
    off: '关闭',
    headSwitchOff: (l, h) => `关闭第 ${l} 层第 ${h} 个头`,
    ablatedNote: (n) => (n ? `关闭了 ${n} 个头：它们的输出在该层的输出矩阵之前被置零（库的 forward({ ablate })）。` : ''),
    detailLabel: '所选头的注意力权重',
    selectedHead: (l, h) => `第 ${l} 层第 ${h} 个头：它在你文本上的注意力权重（行 = 查询 Token，列 = 键 Token）`,
    weightTip: (query, key, w) => `${query} → ${key}：权重 ${w}`,
    maskedTip: (query, key) => `${query} → ${key}：被掩码屏蔽（Token 看不到它之后的 Token）`,
    tutorialExample: (text) => `教程里的例子：${text}`,
    tutorialExampleZh: (text) => `同一句中文：${text}`,
    tutorialNote: (l, h, lift, noun, adjectives) => `这个模型的 “名词 → 形容词” 头是第 ${l} 层第 ${h} 个头` +
      `（提升 ${lift}）。在它对这句话的权重图中，“${noun}” 这一行${adjectives}。`,
    tutorialNoteZh: (l, h, lift, noun, last, adjectives) => `这个模型的中文 “名词 → 形容词” 头是第 ${l} 层第 ${h} 个头` +
      `（提升 ${lift}）。和测量这个头时一样，一个中文词在它的最后一块上读：在它对这句话的权重图中，` +
      `“${noun}” 这一行（它的最后一块 ${last}）${adjectives}。`,
    share: (w, word, pieces) => `把 ${w} 的权重放在 “${word}” 上${pieces > 1 ? `（它的 ${pieces} 块）` : ''}`,
    and: '，',
    metricNames: {
      previous_token: '前一个 Token',
      induction: '归纳（induction）',
      noun_adjective_en: '名词 → 形容词（英）',
      noun_adjective_zh: '名词 → 形容词（中）',
      pronoun_antecedent_en: '代词 → 指代对象（英）',
      pronoun_antecedent_zh: '代词 → 指代对象（中）',
      noun_quality_en: '名词 → 性质形容词（英）',
      noun_quality_zh: '名词 → 性质形容词（中）',
    },
    metricSentences: {
      previous_token: (v) => `前一个 Token ${v}：它的注意力落在紧挨着的前一个 Token 上的比例——这个头读它左边的邻居。`,
      induction: (v) => `归纳 ${v}：在重复的文本里，注意力落在 “当前 Token 上一次出现时的下一个 Token” 上的比例——这个头找出上次接下来是什么。`,
      noun_adjective_en: (v) => `名词 → 形容词 提升 ${v}：从一个名词出发，这个头看向它前面决定它接下来做什么的形容词（性质和颜色，不是大小），比单凭位置能解释的更多。`,
      noun_adjective_zh: (v) => `名词 → 形容词（中文）提升 ${v}：从一个中文名词（它的最后一块）出发，这个头看向它的形容词，比单凭位置能解释的更多。`,
      pronoun_antecedent_en: (v) => `代词 → 指代对象 提升 ${v}：从 “he”/“she” 出发，这个头看向它所指的名字，比单凭位置能解释的更多。`,
      pronoun_antecedent_zh: (v) => `代词 → 指代对象（中文）提升 ${v}：从 他/她（最后一块）出发，这个头看向它所指的名字（如 “他” 对应 “小明”），比单凭位置能解释的更多。`,
      noun_quality_en: (v) => `名词 → 性质形容词 提升 ${v}：从一个名词出发，这个头看向它的性质形容词（fluffy、spiky …），比单凭位置能解释的更多。`,
      noun_quality_zh: (v) => `名词 → 性质形容词（中文）提升 ${v}：从一个中文名词（它的最后一块）出发，这个头看向它的性质形容词（毛茸茸 …），比单凭位置能解释的更多。`,
    },
    otherScores: (list) => `它的其他测量值（没有特别突出的模式）：${list}`,
  },

  multiHead: {
    heading: '训练好的模型中，多个头同时工作',
    note: (text) => `训练好的模型读 “${text}”：按测得的分数选出它最强的两个“名词 → 形容词”头，并排显示，每个下面是它名词那一行的权重。` +
      '一个头可以同时收集两个形容词，另一个头可能只读其中一个；这一层把所有头收集到的相加——这就是多头的理由。',
    reads: (noun, shares, words) => `“${noun}” 这一行的注意力权重：${shares}。` +
      (words ? `这个头读取 ${words}（至少四分之一的权重）。` : '这个头两个形容词都不读。'),
    and: ' 和 ',
    none: '当前加载的模型没有两个可比较的“名词 → 形容词”头（只有我们训练的模型测过这些分数）。',
  },
  modelSteps: {
    heading: (l, h) => `第 ${l} 层第 ${h} 个头：在你的文本上一步一步地看`,
    note: '完整模型中选中的头，像第 3 节展示单个模块那样：数字都来自这次前向计算（运行时对这一个头的追踪）。' +
      '点击网格中的另一张图，就把那个头带到这里。',
    input: (l) => `X：进入第 ${l} 层的残差流，经过 LayerNorm 之后`,
    inputFormula: 'X = ln_1(残差流)',
    scaledFormula: (d, scale) => `S ÷ √d_k  （d_k = ${d}：× ${scale}）`,
  },
  lens: {
    heading: 'Logit lens：预测如何随深度形成',
    note: '如果模型在每一层之后就停下，它会预测什么：所选位置的残差流经过最后的 LayerNorm 和输出矩阵（unembedding）。' +
      '最后一行就是模型的预测。',
    position: '在这个 Token 之后',
    depth: (d, L) => (d === 0 ? '只有词嵌入' : d === L ? `第 ${d - 1} 层之后（输出）` : `第 ${d - 1} 层之后`),
  },

  film: {
    heading: '训练过程中头的形成',
    note: '在模型训练时记录：每个检查点上，每个头对一句固定探针句子的注意力。拖动滑块观看头如何形成；损失曲线上的红线是当前显示的检查点。',
    none: '这个文件没有训练过程的记录（只有我们训练的模型记录了）。',
    probe: '探针句子',
    sliderLabel: '训练检查点',
    step: (step, loss) => `训练第 ${step} 步${loss === null ? '' : ` · 训练损失 ${loss}`}`,
    lossCurveLabel: '训练损失（蓝）和留出集损失（橙）随训练步数的变化（对数坐标）',
    induction: (step, head, value, level) => `归纳头在第 ${step} 步出现：${head}（按测得的分数，它是模型的归纳头）` +
      `在这个检查点上对重复的探针句子得分 ${value}，此后一直高于 ${level}（把一个头称为归纳头的标准）。滑块上的刻度和绿线标出了这一刻。`,
    showInduction: '显示这个检查点',
    inductionMark: '归纳头出现',
    noInduction: '这次训练没有形成归纳头（没有一个头的分数高到可以这样命名），所以没有可标记的时刻。',
  },

  train: {
    heading: '现场训练一个模型，看它的头如何形成',
    note: '一个 2 层 × 4 头的 GPT-2（d_model 64）就在这里训练：WebAssembly 在你电脑上的 Worker 里运行，用的是真正的 ' +
      'GPT-2 Token。归纳任务：每段 8–15 个 Token 的随机片段连写两遍；另有一些文档让两个 Token 交替出现（a b a b …），' +
      '看前一个 Token 的头自己就能预测。各层只有注意力。先是第 0 层形成一个清晰的“看前一个 Token”的头（几百步）；' +
      '经过一段平台期之后，第 1 层的头学会找到刚读到的内容上一次出现的位置，照抄它后面的 Token，探针第二遍的损失' +
      '随之下降：这就是相变。本机原生实测（tools/train/live_sweep，种子 1–5），它出现在第 2,050–4,350 步（中位数 ' +
      '2,650）；在双核机器上的 Chromium 里用本页训练，种子 1–10 到达相变所需训练时间的中位数约为 30 秒（10 个里有 9 个不到一分钟）。这些头匹配两个 Token（连同当前 Token 的前一个），所以它们在图上的斜线比教科书里归纳头的斜线靠右一格，' +
      '归纳分数（落在上一次出现之后紧接着那个 Token 上的注意力）一直很低：图下每个头的作用会显示是哪些头在照抄。' +
      '玩具故事任务（上下文 32 个 Token）加入教程里的语法（形容词在名词之前），几百步内就会形成名词 → 形容词的头。',
    task: '任务',
    tasks: {
      induction: '归纳：重复的随机片段',
      stories: '玩具故事加重复片段',
    },
    seed: '种子',
    lr: '学习率',
    start: '开始',
    resume: '继续',
    pause: '暂停',
    reset: '重置',
    save: '保存为 .safetensors',
    use: '在本页使用这个模型',
    idle: '按“开始”：用这个种子新建一个模型，一直训练到你暂停它，或者这次训练跑完（归纳任务 10,000 步，玩具故事 3,000 步）。',
    starting: '正在启动训练器…',
    failed: (why) => `训练停止了：${why}`,
    status: (step, steps, loss, seconds, ms) => `第 ${step} / ${steps} 步 · 损失 ${loss} · 已训练 ${seconds} 秒（每步 ${ms} 毫秒，含测量）`,
    notYet: {
      previous_token: '还没有形成看前一个 Token 的头。',
      induction: '第 1 层还没有头在教科书式的归纳模式上得分（这个任务里照抄的头往后多看一格；第 0 层上升的曲线是往回看固定距离的头）。',
      noun_adjective_en: '还没有形成名词 → 形容词的头。',
      copying: '还不会照抄：探针第二遍每个 Token 的损失仍高于 2 纳特（开始时约 4.2）。',
    },
    formed: {
      previous_token: (step, seconds, head, value, before, now) => `看前一个 Token 的头在第 ${step} 步（${seconds} 秒）形成：${head}，分数 ${value}。`,
      induction: (step, seconds, head, value, before, now) => `归纳头在第 ${step} 步（${seconds} 秒）形成：${head}，` +
        `归纳分数 ${value}；损失在此之前为 ${before}，现在为 ${now}。`,
      noun_adjective_en: (step, seconds, head, value, before, now) => `名词 → 形容词的头在第 ${step} 步（${seconds} 秒）` +
        `形成：${head}，提升 ${value}；损失在此之前为 ${before}，现在为 ${now}。`,
      copying: (step, seconds, head, value, before, now) => `模型从第 ${step} 步（${seconds} 秒）起会照抄：探针第二遍` +
        `每个 Token 的损失为 ${value} 纳特（相变）；训练损失在此之前为 ${before}，现在为 ${now}。`,
    },
    lossLabel: '训练损失随步数的变化（红线：头形成的那一步）',
    prevLabel: '每个头的“前一个 Token”分数随步数的变化',
    inductionLabel: '每个头的归纳分数随步数的变化',
    nounLabel: '每个头的名词 → 形容词提升随步数的变化',
    probe: (text, step) => `第 ${step} 步时每个头在探针序列上的注意力权重（点击一张图放大）：${text}`,
    mapLabel: (l, h) => `第 ${l} 层第 ${h} 个头在探针上的注意力`,
    detailTitle: (l, h, step) => `第 ${step} 步的第 ${l} 层第 ${h} 个头（行 = 查询 Token，列 = 键 Token）`,
    detailLabel: '所选的头在探针上的注意力权重',
    ablationNote: (loss) => `模型训练中，探针第二遍的损失为 ${loss}。每张图下方：再关闭这一个头时损失上升多少` +
      '（在这一步模型的副本上调用库的 forward({ ablate })，不影响训练）：头一旦形成，复制所依赖的那个头就会凸显出来。' +
      '取消勾选一个头，就在训练本身中关闭它：它的输出为零、得不到梯度，其他头只能在没有它的情况下学习。',
    offLoss: (rise) => `关闭后：损失 ${rise}`,
    headTrains: '训练时打开（取消勾选：训练期间消融这个头）',
    offWhileTraining: '训练期间已关闭：它的输出为零，什么也学不到',
    saved: (name, kib) => `已保存 ${name}（${kib} KiB）：模型选择器能像打开任何 GPT-2 文件一样打开它。`,
  },

  block: {
    heading: '2 · 模型与掩码',
    sectionsNote: '下面第 3–9 节拆解一个 Attention 模块（第 2 节的教学模块或随机模块）。',
    model: '模型',
    teaching: '教学模块（手工构造的头）',
    seeded: '随机初始化（未训练）',
    heads: '头数',
    kvHeads: '键/值头数',
    positions: '位置编码',
    sinusoidal: '正弦余弦编码',
    learned: '可学习位置嵌入',
    none: '无',
    seed: '随机种子',
    causal: '因果掩码（Causal Mask）',
    alignment: '对齐方式',
    topLeft: '左上',
    bottomRight: '右下',
    alignNote: '（查询和键来自同一序列时两者相同；右下对齐让最后一个查询对准最后一个键，就像用缓存逐个生成时那样）',
    window: '滑动窗口',
    windowNote: '（0 = 关闭；w = 每个 Token 只看到自己和前面 w−1 个）',
    scale: '缩放',
    scaleNote: '（留空 = 库的默认值 1/√d_k）',
    padding: 'Padding Mask（填充掩码）：在同一批次里放入第二个更短的序列，并用填充补齐',
    padTextLabel: '第二个、更短的序列',
    teachingNote: '教学模型：d_model 48，4 个头、每个 16 维，权重由人手工构造（src/attn/model/demo_model.hpp）：' +
      '头 0 让名词看向形容词，头 1 看前一个 Token，头 2 看相同的 Token，头 3 平均分配。词嵌入：每个 Token 编号一个 ±¼ ' +
      '的特征，加上来自一个小词典的词性 one-hot（汉字的词性在它的最后一块上读），以及正弦余弦位置编码表。',
    seededNote: '随机模型：权重来自固定种子的随机数生成器（Xavier 均匀分布）——未经训练，所以它的模式没有意义；但算术是精确的。',
    teachingHeads: {
      'noun → adjective': '名词 → 形容词',
      'previous token': '前一个 Token',
      'same token': '相同的 Token',
      'bag of words': '平均分配（词袋）',
    },
    headN: (h) => `头 ${h}`,
  },

  steps: {
    heading: '3 · 单头 Self-Attention，一步一步',
    head: '头',
    batchRow: '批次中的行',
    row0: '0：你的文本',
    row1: '1：填充后的序列',
    explainHint: '点击一个分数格，可以看到它的点积逐项展开；点击输出的一行，可以看到它混合了哪些值向量。用键盘：' +
      'Tab 键移到矩阵上，方向键移动，回车键解释。',
    batchRow0: (L) => `批次第 0 行（共 2 行）：你的文本（${L} 个 Token）。`,
    batchRow1: (tokens, pads) => `批次第 1 行（共 2 行）：${tokens}，然后是 ${pads} 个 [pad]；对每个查询，[pad] 的键都被掩码屏蔽。`,
    embeddings: '词嵌入 Embedding §1.2',
    positions: '+ 位置编码 §1.2',
    positionsFormula: (kind) => `P[pos]（${kind}）`,
    x: 'X',
    q: (h) => `Q 查询（头 ${h}）§3.1`,
    k: (h) => `K 键（键/值头 ${h}）§3.1`,
    v: (h) => `V 值（键/值头 ${h}）§3.1`,
    scores: '注意力分数 §3.2',
    scaled: '缩放后的分数 §3.2',
    scaledFormula: (scale) => `S · scale（× ${scale}；未设置时为 1/√d_k）`,
    masked: '加上掩码 §3.4',
    maskedFormula: 'S · scale + mask（被屏蔽处为 −∞）',
    softmax: 'Softmax：注意力权重 §3.3',
    rowsSumToOne: '每行之和为 1',
    output: '加权求和：头的输出 §3.5',
    clickRow: '点击一行',
    rowSums: (sums) => `每行之和：${sums}`,
    cellTip: (token, d, v) => `${token} · 第 ${d} 维：${v}`,
    scoreTip: (query, key, v) => `${query} → ${key}：${v}`,
    maskedCell: '被掩码屏蔽',
    scoreTitle: (i, j, query, key, h) => `score[${i}][${j}]：查询 “${query}” · 键 “${key}”（头 ${h}）`,
    scoreMasked: '−∞（这个键对这个查询被屏蔽）',
    scoreLines: (terms, raw, scale, scaled, masked, w) => `q·k = ${terms}\n    = ${raw}\n× 缩放 ${scale} = ${scaled}\n` +
      `加掩码：${masked}\nSoftmax 权重 = ${w}`,
    outputTitle: (i, h) => `头 ${h} 的 output[${i}] = Σ_j A[${i}][j] · V[j]`,
    noVisibleKey: '（没有可见的键：输出为零）',
  },

  heads: {
    heading: '4 · 多头注意力：所有的头，然后拼接并乘以 W<sub>o</sub>',
    note: '每个头：它的权重矩阵和一个连线图（左边是查询，右边是键；颜色越深权重越大；每个查询显示权重大于 0.05 的最强 4 条连线' +
      '——把鼠标移到一个查询上可以看到它所有大于 0.01 的连线）。鼠标移到某一行或某个 Token 上会同时筛选两边。' +
      '取消勾选可隐藏一个头，双击一个头只显示它。',
    average: '显示所显示各头的平均',
    showAll: '显示所有的头',
    averageOf: (n) => `${n} 个头的平均`,
    show: (title) => `显示 ${title}`,
    weightsLabel: (title) => `${title}：权重`,
    linesLabel: (title) => `${title}：连线图`,
    concat: '拼接 §4.1',
    output: '输出（线性变换）§4.1',
    nextHeading: '下一个 Token',
    nextNote: '最后一行输出与每个 Token 的词嵌入比较（共享的输出矩阵），在全部 50,257 个 Token 上做 Softmax。这个模型没有训练过，' +
      '所以这里展示的是机制，而不是预测。',
    nextColumns: ['名次', 'Token', '编号', 'logit', '概率'],
  },

  decode: {
    heading: '5 · 一次一个 Token：KV 缓存',
    note: '生成文本时，模型每一步只看到一个新 Token（自回归）。这里同一个模型用这种方式读你的文本：每一步把新 Token 的键和值' +
      '追加到缓存里，它的查询对缓存中的一切做 Attention。不需要另加掩码——缓存里只有过去的 Token——每个数都等于完整的因果计算。' +
      '图中是所选头的权重，每一步一行。',
    mapLabel: '每个新 Token 在缓存上的权重，每一步一行',
    verdict: (L, out, weights, bytes) => `${L} 步，每步一个 Token：与完整因果计算的最大差异——输出 ${out}，权重 ${weights}` +
      `（任何差异都是 float32 的舍入：求和的顺序不同）。缓存每个 Token 增长 ${bytes} B。`,
    columns: ['步', '新 Token', '缓存中的 Token 数', '缓存字节数', '输出最大 |Δ|', '权重最大 |Δ|'],
    png: (h) => `kv-cache-head-${h}`,
  },

  variants: {
    heading: '6 · 同一段文本上的 Attention 变种',
    gqaKv: 'GQA 的键/值头数',
    window: '窗口 w',
    crossText: '第二段文本（交叉注意力的键和值）',
    note: '随机模型，d_model 和头数取自第 2 节，正弦余弦位置编码；每张图是各头的平均。代价按这个长度下的一层计算，缓存为 float32。',
    names: {
      mha: () => '多头注意力（Multi-Head）',
      gqa: (kv) => `分组查询注意力 GQA（${kv} 个键/值头）`,
      mqa: () => 'Multi-Query Attention（1 个键/值头）',
      window: (w) => `滑动窗口（稀疏注意力，w = ${w}）`,
      cross: () => '交叉注意力（K、V 来自第二段文本）',
    },
    params: '参数（W_q、W_k、W_v、W_o）',
    kvPerToken: '每个 Token 的 KV 缓存',
    kvKept: '这个长度下保留的 KV 缓存',
    flops: '最后一个 Token 的 FLOPs',
  },

  positions: {
    heading: '7 · 为什么需要位置编码：我打他 与 他打我',
    note: '同样的 Token，不同的顺序，没有因果掩码。没有位置编码时，一句话的权重恰好是另一句的权重把行和列重新排列——' +
      '单靠 Attention 分不出谁打了谁。',
    title: (kind) => `位置编码：${kind}`,
    permutation: (worst) => `max |A(他打我)[π i][π j] − A(我打他)[i][j]| = ${worst}：纯粹的重新排列——顺序看不出来。`,
    differ: (worst) => `重新排列后的最大差异 = ${worst}：权重不同——顺序看得出来。`,
  },

  cost: {
    heading: '8 · 计算代价：上下文长度的 O(n²)',
    measure: '测量 wasm Attention，n = 64 … 4096',
    measureNote: '一个头，d = 64，因果掩码，在这个浏览器里',
    chartLabel: '测得的时间随序列长度的变化',
    axisN: '序列长度 n（Token 数）',
    ms: (v) => `${v} ms`,
    calcHeading: '参数规模计算器',
    presetGqa: 'GQA：64 个查询头 / 8 个键/值头（Llama-2-70B）',
    presetLoaded: '上面选中的模型（KV 缓存为 float32，与本页运行时一致）',
    heads: '头数',
    kvHeads: '键/值头数',
    headDim: '每头维度',
    layers: '层数',
    context: '上下文长度',
    bytes: '每个值的字节数',
    rows: {
      paramsPerQueryHead: '每个查询头的 W_q + W_k + W_v + W_o',
      paramsPerLayer: '每层的 Attention 参数',
      paramsTotal: '所有层的 Attention 参数',
      kvCacheBytesPerToken: '每个 Token 的 KV 缓存（所有层）',
      kvCacheBytes: '整个上下文的 KV 缓存',
      flopsProjectionsPerToken: '每个 Token 的 FLOPs：线性变换',
      flopsAttentionPerToken: '每个 Token 的 FLOPs：对整个上下文做 Attention',
    },
    gpt3Note: (perHead, perLayer, total) => `教程里 “单个头≈630万” 的参数（§4.3）精确值是 ${perHead}。而 “×96 个头≈59.5亿” ` +
      `有误：96 个头每层是 ${perLayer}，96 层共 ${total}——正如教程所说，约占 1750 亿的三分之一。`,
    timesHeader: ['n', '毫秒'],
    units: [[1e12, '万亿'], [1e8, '亿'], [1e4, '万']],
  },

  export: {
    heading: '9 · 导出与分享',
    json: '下载计算过程（JSON）',
    png: '下载所有头的图（PNG）',
    link: '复制这个视图的链接',
    copied: '链接已复制',
    pngButton: 'PNG',
    pngTitle: (name) => `把 “${name}” 下载为 PNG`,
  },

  view: {
    switchLabel: '页面显示多少内容',
    story: '故事',
    lab: '实验室',
    storyNote: '故事模式：各部分按教程的顺序排列，从 §1.1 到 §6，细节已折叠。切换到实验室可以看到所有部分和控件。',
    navLabel: '故事的各个部分',
    more: '细节',
    less: '收起细节',
  },

  bar: {
    selected: (i, token) => `已选中第 ${i} 个 Token “${token}”，所有视图同时标出它。← → 移动选择；点击或轻触某个图的一行，` +
      '就选中那一行的 Token。',
    none: '点击、轻触或用 Tab 选中一个 Token，在所有视图中跟踪它（← → 移动选择）。',
  },

  legend: {
    weight: '注意力权重，0 到 1（所有图用同一套颜色）',
    signed: '数值：负（蓝）、0（白）、正（红）',
    scale: (name) => `色标：${name}`,
  },
};
