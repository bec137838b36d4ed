// Pure: does a metav1.LabelSelector select a set of labels. matchLabels and every matchExpression
// must all hold; an empty selector selects everything (callers decide what a null selector means).
// https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector)
import type { LabelSelector } from './model.js';

export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  if (!Object.entries(sel.matchLabels).every(([k, v]) => has(k) && labels[k] === v)) return false;
  return sel.matchExpressions.every((e) => {
    switch (e.operator) {
      case 'In':
        return has(e.key) && e.values.includes(labels[e.key]);
      case 'NotIn':
        return !has(e.key) || !e.values.includes(labels[e.key]);
      case 'Exists':
        return has(e.key);
      case 'DoesNotExist':
        return !has(e.key);
      default:
        return false; // the API server rejects other operators; select nothing rather than guess
    }
  });
}

/** The selector in kubectl's words ("app=web,tier in (a,b)"); "(all pods)" when empty. */
export function selectorWords(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions) {
    if (e.operator === 'In') parts.push(`${e.key} in (${e.values.join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${e.values.join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '(every pod of the namespace)';
}
