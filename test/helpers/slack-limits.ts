/**
 * Slack's documented Block Kit limits (api.slack.com/reference/block-kit): what a message or a modal
 * may hold. Returns every breach, named by where it is; none is acceptable.
 */
type Obj = Record<string, unknown>;

const text = (o: unknown) => String((o as Obj | undefined)?.text ?? '');

export function blockKitProblems(blocks: Obj[], kind: 'message' | 'modal' = 'message'): string[] {
  const p: string[] = [];
  const max = kind === 'message' ? 50 : 100;
  if (blocks.length > max) p.push(`${blocks.length} blocks (max ${max} in a ${kind})`);
  const actionIds = new Set<string>();
  blocks.forEach((b, i) => {
    const at = `block ${i} (${String(b.type)})`;
    if (typeof b.block_id === 'string' && b.block_id.length > 255) p.push(`${at}: block_id over 255`);
    switch (b.type) {
      case 'header':
        if ((b.text as Obj).type !== 'plain_text') p.push(`${at}: header text must be plain_text`);
        if (text(b.text).length > 150) p.push(`${at}: header text ${text(b.text).length} > 150`);
        break;
      case 'section': {
        if (b.text && text(b.text).length > 3000) p.push(`${at}: section text ${text(b.text).length} > 3000`);
        if (b.text && text(b.text).length === 0) p.push(`${at}: empty section text`);
        const fields = (b.fields as Obj[] | undefined) ?? [];
        if (fields.length > 10) p.push(`${at}: ${fields.length} fields > 10`);
        for (const f of fields) if (text(f).length > 2000) p.push(`${at}: field ${text(f).length} > 2000`);
        if (!b.text && fields.length === 0) p.push(`${at}: a section needs text or fields`);
        break;
      }
      case 'actions': {
        const els = b.elements as Obj[];
        if (els.length > 25) p.push(`${at}: ${els.length} elements > 25`);
        for (const e of els) {
          if (text(e.text).length > 75) p.push(`${at}: button text ${text(e.text).length} > 75`);
          if (typeof e.value === 'string' && e.value.length > 2000) p.push(`${at}: button value > 2000`);
          const id = String(e.action_id ?? '');
          if (id.length > 255) p.push(`${at}: action_id over 255`);
          if (actionIds.has(id)) p.push(`${at}: duplicate action_id ${id}`);
          actionIds.add(id);
        }
        break;
      }
      case 'context': {
        const els = b.elements as Obj[];
        if (els.length > 10) p.push(`${at}: ${els.length} context elements > 10`);
        for (const e of els) if (text(e).length > 3000) p.push(`${at}: context text > 3000`);
        break;
      }
      case 'input': {
        if (text(b.label).length > 2000) p.push(`${at}: label > 2000`);
        const el = b.element as Obj;
        const options = (el.options as Obj[] | undefined) ?? [];
        if (options.length > 100) p.push(`${at}: ${options.length} options > 100`);
        for (const o of options) {
          if (text(o.text).length > 75) p.push(`${at}: option text > 75`);
          if (String(o.value).length > 150) p.push(`${at}: option value > 150`);
        }
        break;
      }
      default:
        p.push(`${at}: unexpected block type`);
    }
  });
  return p;
}

/** A modal's own limits, then its blocks'. */
export function modalProblems(modal: Obj): string[] {
  const p: string[] = [];
  if (text(modal.title).length > 24) p.push(`modal title ${text(modal.title).length} > 24`);
  if (modal.submit && text(modal.submit).length > 24) p.push(`modal submit ${text(modal.submit).length} > 24`);
  if (typeof modal.private_metadata === 'string' && modal.private_metadata.length > 3000) p.push('modal private_metadata > 3000');
  if (typeof modal.callback_id === 'string' && modal.callback_id.length > 255) p.push('modal callback_id > 255');
  return [...p, ...blockKitProblems(modal.blocks as Obj[], 'modal')];
}
