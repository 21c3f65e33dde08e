import { reasonCodeSentence } from './decisionText';

/** The reason codes a reviewer gave, each as its sentence with the code beside it. */
export function ReasonCodeList({ codes }: { codes: readonly string[] | undefined }) {
  if (!codes || codes.length === 0) return null;
  return (
    <ul className="reason-codes-given">
      {codes.map((code) => (
        <li key={code}>
          {reasonCodeSentence(code)} <code className="sub">{code}</code>
        </li>
      ))}
    </ul>
  );
}
