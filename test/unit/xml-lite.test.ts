import { expect } from '@open-wc/testing';
import { descendants, parseXml } from '../../src/xml-lite.js';

describe('xml-lite: the strict reader of NOTIFY bodies', () => {
  it('reads elements, attributes (entities decoded), text, CDATA; drops namespace prefixes', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n' +
        '<p:presence xmlns:p="urn:x" entity=\'sip:a&amp;b@x\'><p:tuple id="t"><status>' +
        '<basic>op<![CDATA[en]]></basic></status><note>&lt;b&gt; &#65;&#x42;</note><empty/></p:tuple></p:presence>',
    );
    expect(root?.name).to.equal('presence');
    expect(root?.attributes.get('entity')).to.equal('sip:a&b@x');
    expect(descendants(root!, 'basic')[0]!.text).to.equal('open');
    expect(descendants(root!, 'note')[0]!.text).to.equal('<b> AB');
    expect(descendants(root!, 'empty')).to.have.length(1);
  });

  it('refuses what is not well-formed, or past its limits', () => {
    const table: string[] = [
      '',
      'text only',
      '<a>',
      '<a></b>',
      '<a/><b/>',
      '<a>x</a>trailing',
      '<a x="1" x="2"/>',
      '<a x="&unknown;"/>',
      '<a>&ent;</a>',
      '<a>AT&T</a>',
      '<a>&#0;</a>',
      '<!DOCTYPE a><a/>',
      '<a><b <c/></b></a>',
      '<a x=1/>',
      '<a x="<"/>',
      '<a>' + '<b>'.repeat(40) + '</b>'.repeat(40) + '</a>',
      '<a>' + '<b/>'.repeat(2001) + '</a>',
      '<a>' + 'x'.repeat(70_000) + '</a>',
    ];
    for (const text of table) expect(parseXml(text), text.slice(0, 50)).to.equal(undefined);
  });
});
