import { useState, type ReactNode } from 'react';
import { fullName, type Applicant, type ApplicantLoad } from './applicant';
import { challengeText, countryText, documentTypeText, dobText, faceAttention, languageText } from './applicantText';

const UNAVAILABLE = 'not available from ComplyCube just now';

/**
 * The person the case is about, at the top of the case: the name, date of birth and nationality,
 * the document, its front image beside the face, and the live video's challenges. Read live from
 * ComplyCube; a part it could not give says so in place.
 */
export function ApplicantPanel({ load, attention }: { load: ApplicantLoad; attention: readonly string[] }) {
  if (load.state === 'loading') {
    return (
      <section className="applicant" aria-label="Applicant" aria-busy="true">
        <p className="loading">Reading the applicant from ComplyCube…</p>
      </section>
    );
  }
  if (load.state === 'failed') {
    return (
      <section className="applicant" aria-label="Applicant">
        <p className="problem">{load.message}</p>
      </section>
    );
  }
  const { applicant } = load;
  return (
    <section className="applicant" aria-labelledby="applicant-heading">
      <header className="applicant-head">
        <p className="eyebrow">Applicant</p>
        <h2 id="applicant-heading" className="applicant-name">
          {applicant.person ? fullName(applicant.person) : <Missing what="Name" />}
        </h2>
      </header>
      <div className="applicant-facts">
        <Facts applicant={applicant} />
        <LiveVideo applicant={applicant} />
      </div>
      <Pictures applicant={applicant} attention={attention} />
    </section>
  );
}

/** A part ComplyCube could not give just now: `Name not available from ComplyCube just now`. */
function Missing({ what }: { what?: string }) {
  const text = what ? `${what} ${UNAVAILABLE}` : UNAVAILABLE.charAt(0).toUpperCase() + UNAVAILABLE.slice(1);
  return <span className="unavailable">{text}</span>;
}

function Facts({ applicant }: { applicant: Applicant }) {
  const { person, document, unavailable } = applicant;
  return (
    <dl className="facts">
      <Fact term="Date of birth">{person?.dob ? dobText(person.dob) : person ? 'not given' : <Missing />}</Fact>
      <Fact term="Nationality">
        {person?.nationality ? countryText(person.nationality) : person ? 'not given' : <Missing />}
      </Fact>
      <Fact term="Document">
        {document ? (
          <>
            {documentTypeText(document.type)}
            {document.issuingCountry && <span className="sub"> issued by {countryText(document.issuingCountry)}</span>}
          </>
        ) : unavailable.includes('document') ? (
          <Missing />
        ) : (
          'none on this case'
        )}
      </Fact>
    </dl>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function LiveVideo({ applicant }: { applicant: Applicant }) {
  const { liveVideo, unavailable } = applicant;
  return (
    <div className="live-video">
      <h3>
        Live video challenges
        {liveVideo?.language && <span className="sub"> · in {languageText(liveVideo.language)}</span>}
      </h3>
      {liveVideo ? (
        liveVideo.challenges.length > 0 ? (
          <ol className="challenges">
            {liveVideo.challenges.map((challenge, index) => (
              <li key={index}>{challengeText(challenge)}</li>
            ))}
          </ol>
        ) : (
          <p className="sub">No challenges recorded.</p>
        )
      ) : unavailable.includes('liveVideo') ? (
        <p>
          <Missing what="The live video is" />
        </p>
      ) : (
        <p className="sub">No live video on this case.</p>
      )}
      <p className="sub">ComplyCube gives no frames of a live video: the face is the client&apos;s live photo.</p>
    </div>
  );
}

function Pictures({ applicant, attention }: { applicant: Applicant; attention: readonly string[] }) {
  const { document, face, unavailable } = applicant;
  const notes = faceAttention(attention);
  const documentGone = unavailable.includes('document');
  return (
    <div className="pictures">
      <Picture
        src={document?.frontImage ?? null}
        alt={`Document front: ${document ? documentTypeText(document.type) : 'document'}`}
        caption="Document, front"
        missing={documentGone ? `Document image ${UNAVAILABLE}` : 'No document image'}
      />
      <Picture
        src={face?.image ?? null}
        alt="Face: the client's live photo"
        caption="Face (live photo)"
        missing={unavailable.includes('face') ? `Face ${UNAVAILABLE}` : 'No live photo'}
      />
      {notes.length > 0 && (
        <ul className="face-attention" aria-label="Face analyses needing attention">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Picture(props: { src: string | null; alt: string; caption: string; missing: string }) {
  const [broken, setBroken] = useState<string | null>(null);
  const shown = props.src !== null && broken !== props.src;
  return (
    <figure className="picture">
      {shown ? (
        <img src={props.src!} alt={props.alt} onError={() => setBroken(props.src)} />
      ) : (
        <div className="no-picture" role="img" aria-label={props.alt}>
          {props.src !== null ? `${props.caption}: image ${UNAVAILABLE}` : props.missing}
        </div>
      )}
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
