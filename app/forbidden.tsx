import { NoticePage } from '@/components/notice-page';

export default function Forbidden() {
  return <NoticePage words="pages.forbidden" />;
}
