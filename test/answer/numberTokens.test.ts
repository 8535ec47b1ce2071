import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../../src/answer/lexicon.js';
import { documentNumbers, materialNumberKeys, NumberWords, numberKey, numberTokens, sameDocumentNumber, stripListPrefix } from '../../src/answer/numberTokens.js';

const words = new NumberWords(loadLexicon().numeralIdioms);
const keys = (text: string) => numberTokens(text, words).map(numberKey);

describe('numberTokens', () => {
  it('reads Arabic, full-width, separated, decimal and scaled figures by value', () => {
    expect(keys('９６平方米，1,200人，1，200人，0.50，4.79亿元，47900万元，66万')).toEqual([
      'plain:96',
      'plain:1200',
      'plain:1200',
      'plain:0.5',
      'plain:479000000',
      'plain:479000000',
      'plain:660000',
    ]);
  });

  it('reads Chinese numerals, 亿 included, and years written digit by digit', () => {
    expect(keys('三、十五、二十六、一千二百、两千、〇、十二万、三亿五千万、零点五、二〇一七年')).toEqual(
      ['3', '15', '26', '1200', '2000', '0', '120000', '350000000', '0.5', '2017'].map((v) => `plain:${v}`),
    );
  });

  it('tells percentages and fractions from plain figures, a range sharing its %', () => {
    expect(keys('85%、85％、百分之八十五、85人、三分之一、85—90%')).toEqual([
      'percent:85',
      'percent:85',
      'percent:85',
      'plain:85',
      'fraction:1/3',
      'percent:85',
      'percent:90',
    ]);
  });

  it('reads no figure in a lone 一 or in words like 十分 and 百分比, but does in 十一, 五十分 and 第一条', () => {
    expect(keys('一所学校，每一项，一是，一票否决，统一，十分重要，百分比，万一，二是')).toEqual([]);
    expect(keys('十一所，五十分，十万一千，第一条，第（一）项')).toEqual(
      ['11', '50', '101000', '1', '1'].map((v) => `plain:${v}`),
    );
  });

  it('cuts side-by-side digits into separate figures: 十四五 is 14 and 5, 三四年级 is 3 and 4', () => {
    expect(keys('十四五')).toEqual(['plain:14', 'plain:5']);
    expect(keys('三四年级')).toEqual(['plain:3', 'plain:4']);
  });

  it('does not add the digit of a unit symbol: 96㎡ is 96', () => {
    expect(keys('96㎡，96m²')).toEqual(['plain:96', 'plain:96']);
  });
});

describe('list markers and materials', () => {
  it('strips bullets and numbering at a line start only', () => {
    expect(stripListPrefix('- 1. 每间不小于96平方米')).toBe('每间不小于96平方米');
    expect(stripListPrefix('（一）第一，按标准')).toBe('按标准');
    expect(stripListPrefix('3.5平方米')).toBe('3.5平方米');
    expect([...materialNumberKeys('1. 每间不小于96平方米\n2、每班不超过45人', words)]).toEqual(['plain:96', 'plain:45']);
  });
});

describe('documentNumbers', () => {
  it('reads a 文号 in any bracket pair and matches it by issuer, year and serial', () => {
    const [a] = documentNumbers('依据教督[2017]6号');
    const [b] = documentNumbers('（教督〔2017〕6号）');
    const [c] = documentNumbers('国发〔2017〕6号');
    expect(a).toMatchObject({ issuer: '教督', year: '2017', serial: '6' });
    expect(sameDocumentNumber(a!, b!)).toBe(true);
    expect(sameDocumentNumber(c!, b!)).toBe(false);
    expect(sameDocumentNumber(documentNumbers('〔2017〕6号')[0]!, b!)).toBe(true);
  });
});
