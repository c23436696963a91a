'use client';

import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { StagedUpload } from '@/lib/schemas/upload';

const mono = (chunks: ReactNode) => <strong className="font-mono">{chunks}</strong>;

/** What a start of a staged file will remove: the users, then the attributes of each group of rows (picked, or each set the file names). */
export function BulkConfirmText({ upload, picked }: { upload: StagedUpload; picked: string[] }) {
  const t = useTranslations('forms.bulkUpload');
  /** Valid rows that name attributes of their own (a repeated user counts once per row). */
  const ownRows = upload.users + upload.duplicateRows - upload.rowsWithoutAttrs;
  return (
    <>
      <p className="mt-2">
        {t.rich('confirmSummary', {
          count: upload.users,
          fileName: upload.fileName,
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
      </p>
      <ul className="mt-2 list-disc space-y-1 pl-6">
        {upload.rowsWithoutAttrs > 0 && <li>{t.rich('confirmPickedRows', { count: upload.rowsWithoutAttrs, attrs: picked.join(', '), strong: mono })}</li>}
        {ownRows > 0 && upload.attrSets.length === 0 && <li>{t.rich('confirmOwnRows', { count: ownRows, attrs: upload.attrs.join(', '), strong: mono })}</li>}
        {ownRows > 0 && upload.attrSets.length > 0 && (
          <li>
            {t('confirmOwnRowsBySet', { count: ownRows })}
            <ul className="mt-1 list-[circle] space-y-1 pl-6">
              {upload.attrSets.map((set) => (
                <li key={set.attrs.join(';')}>{t.rich('confirmAttrSet', { attrs: set.attrs.join(', '), count: set.rows, strong: mono })}</li>
              ))}
              {upload.otherAttrSetRows > 0 && (
                <li>{t.rich('confirmOtherAttrSets', { attrs: upload.attrs.join(', '), count: upload.otherAttrSetRows, strong: mono })}</li>
              )}
            </ul>
          </li>
        )}
      </ul>
    </>
  );
}
