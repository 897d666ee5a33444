import { ApiError, errorMessage } from "@/api/errors";

import { Banner } from "./Banner";

/** The error of a submitted form: the API's message, plus field errors for fields the form does not show. */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: readonly string[] }) {
  if (!error) return null;
  const others = error instanceof ApiError ? error.otherFieldErrors(shownFields) : [];
  const onlyShownFields = error instanceof ApiError && Object.keys(error.fields).length > 0 && others.length === 0;
  return (
    <Banner tone="danger">
      <p>{onlyShownFields ? "Check the highlighted fields below." : errorMessage(error)}</p>
      {others.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {others.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </Banner>
  );
}
