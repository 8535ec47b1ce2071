/** Everything the chat says that is not quoted from a document. */
export const EXAMPLE_QUESTIONS = [
  '小学每百名学生拥有县级以上骨干教师数要达到多少？',
  '初中生均体育运动场馆面积要达到多少？',
  '优质均衡对校际差异系数有什么要求？',
];

export const WELCOME = [
  '您好！我是「均衡」，帮您查阅义务教育均衡发展的政策文件。',
  '直接输入问题即可，我会引用文件原文并注明出处（文件 · 章节 · 页码）；文件里没有的，我会如实告诉您。',
  '',
  '刚接触均衡评估？点下面的“了解评估”从头学起。',
  '',
  '可以这样问：',
  ...EXAMPLE_QUESTIONS.map((q) => `· ${q}`),
].join('\n');

export const HELP = [
  '使用说明：',
  '· 直接输入问题，例如“学校的培训经费最少要占公用经费的多少？”',
  '· /learn 了解评估：一步步弄懂基本均衡、优质均衡和差异系数，最后有小测验',
  '· /checklist 对照优质均衡指标自查（学校自查或县域评估），进度自动保存',
  '· /report 查看自查报告，/reset 清除自查进度重新开始',
  '· /sources 查看已收录的文件',
  '· /help 显示本说明',
  '回答只引用文件原文；每段引文后的 [1][2] 对应下面列出的出处，点“查看原文”可看完整段落。',
].join('\n');

export const EMPTY_QUESTION = '请输入您的问题，例如：“初中生均体育运动场馆面积要达到多少？”';
export const MAX_QUESTION_CHARS = 300;
export const TOO_LONG = `问题太长了，请精简到 ${MAX_QUESTION_CHARS} 字以内，一次问一件事。`;
export const NOT_A_QUESTION = '请用文字输入问题，例如：“小学生均教学仪器设备值要达到多少？”';
export const NO_SUCH_CHOICE = '没有这个选项，请看上面列出的字母，或直接输入问题。';
export const FILE_WITHOUT_CHECKLIST = '收到文件。如果这是全县学校数据表，请先发送 /checklist 并选择“县域评估”，再发送文件。';
export const UNKNOWN_COMMAND = '没有这个命令。输入 /help 查看可用的命令，或直接输入问题。';
export const PASSAGE_GONE = '这段原文已不在当前索引中（文件可能已更新），请重新提问。';
export const NO_DOCUMENTS = '还没有收录任何文件。';
